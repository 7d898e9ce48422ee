"use client";

import { useQuery } from "@tanstack/react-query";
import { TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/lib/trpc/client";

/**
 * On a rule's card: the campaigns that refused this rule's additions because they are completed, since the
 * rule was last saved (`campaigns.alerts`, shared with «Обзор» through the query cache). Saving the rule
 * again (another campaign, the action off) makes it go away.
 */
export function RuleCampaignAlert({ ruleId }: { ruleId: string }) {
  const t = useTranslations("campaigns.alerts");
  const trpc = useTRPC();
  const alerts = useQuery(trpc.campaigns.alerts.queryOptions());
  const mine = alerts.data?.filter((a) => a.ruleId === ruleId) ?? [];
  if (mine.length === 0) return null;
  return (
    <div
      role="alert"
      data-testid="rule-campaign-alert"
      className="flex items-start gap-2 rounded-md border border-destructive/50 px-3 py-2 text-sm text-destructive"
    >
      <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        {mine
          .map((a) => t("onRule", { campaign: a.campaignName ?? `#${a.campaignId}`, count: a.refused }))
          .join(" ")}
      </span>
    </div>
  );
}

/** «Технический таск: есть / удалён / ещё не добавлен» for the rule's campaign (`campaigns.technicalTasks`). */
export function RuleTechnicalTask({ campaignId }: { campaignId: number }) {
  const t = useTranslations("campaigns.technical");
  const trpc = useTRPC();
  const states = useQuery(trpc.campaigns.technicalTasks.queryOptions());
  if (!states.data) return null;
  const state = states.data.find((s) => s.campaignId === campaignId)?.state ?? "none";
  return (
    <dd data-testid="rule-technical-task" className={state === "deleted" ? "text-destructive" : undefined}>
      {t(state)}
    </dd>
  );
}
