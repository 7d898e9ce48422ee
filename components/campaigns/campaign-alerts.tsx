"use client";

import { useQuery } from "@tanstack/react-query";
import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useTRPC } from "@/lib/trpc/client";

/**
 * «Обзор»: rules whose campaign additions a completed campaign refused since the rule was last saved
 * (`campaigns.alerts`). Shown only while there are such rules; it goes away once the rule is changed.
 */
export function CampaignAlerts() {
  const t = useTranslations("campaigns.alerts");
  const format = useFormatter();
  const trpc = useTRPC();
  const alerts = useQuery(trpc.campaigns.alerts.queryOptions());
  if (!alerts.data?.length) return null;
  return (
    <Card data-testid="campaign-alerts" className="border-destructive/50">
      <CardHeader>
        <CardTitle className="flex items-center gap-2 text-destructive">
          <TriangleAlert className="size-5" aria-hidden />
          {t("title")}
        </CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-2 text-sm">
        <ul className="flex list-disc flex-col gap-1 pl-5">
          {alerts.data.map((a) => (
            <li key={`${a.ruleId}:${a.campaignId}`}>
              {t("item", {
                rule: a.ruleName || a.ruleId.slice(0, 8),
                campaign: a.campaignName ?? `#${a.campaignId}`,
                count: a.refused,
                at: format.dateTime(a.lastAt, { dateStyle: "short", timeStyle: "short" }),
              })}
            </li>
          ))}
        </ul>
        <Link href="/rules" className="w-fit text-sm underline underline-offset-4">
          {t("open")}
        </Link>
      </CardContent>
    </Card>
  );
}
