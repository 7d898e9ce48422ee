"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, LoaderCircle } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { isAdminRole, useTenant } from "@/components/shell/use-tenant";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useTRPC } from "@/lib/trpc/client";
import { useOnboardingErrorText } from "./error-text";
import { DATE_TIME } from "./format";

const FIELDS = ["campaignName", "campaignId", "clientId"] as const;

/** The three "ЦОВ" contact fields (`#cc-fields`): their state and «Проверить настройки» (`onboarding.ensureCcFields`). */
export function CcFieldsCard() {
  const t = useTranslations("onboarding.ccFields");
  const format = useFormatter();
  const errorText = useOnboardingErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tenant = useTenant();
  const checklist = useQuery(trpc.onboarding.checklist.queryOptions());
  const ensure = useMutation(
    trpc.onboarding.ensureCcFields.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.onboarding.checklist.queryKey() }),
    }),
  );
  const item = checklist.data?.find((i) => i.key === "ccFields");
  const ensuredAt = typeof item?.detail.ensuredAt === "string" ? new Date(item.detail.ensuredAt) : null;
  const isAdmin = isAdminRole(tenant.data?.role);

  return (
    <Card id="cc-fields" data-testid="cc-fields-card" className="scroll-mt-6">
      <CardHeader className="flex flex-row items-start justify-between gap-4">
        <div className="flex flex-col gap-1.5">
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("description")}</CardDescription>
        </div>
        {item ? (
          <Badge variant={item.done ? "secondary" : "outline"} data-testid="cc-fields-status">
            {item.done ? <CircleCheck className="text-emerald-600" /> : null}
            {item.done ? t("present") : t("missing")}
          </Badge>
        ) : null}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <ul className="flex flex-col gap-1 text-sm">
          {FIELDS.map((f) => (
            <li key={f} className="font-mono text-xs">
              {t(`fields.${f}`)}
            </li>
          ))}
        </ul>
        {ensuredAt ? (
          <p className="text-xs text-muted-foreground">
            {t("ensuredAt", { time: format.dateTime(ensuredAt, DATE_TIME) })}
          </p>
        ) : null}
        {ensure.data ? (
          <p
            role="status"
            data-testid="cc-fields-result"
            className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          >
            {ensure.data.created.length
              ? t("created", {
                  fields: ensure.data.created
                    .map((key) =>
                      FIELDS.includes(key as (typeof FIELDS)[number])
                        ? t(`fields.${key as "clientId"}`)
                        : key,
                    )
                    .join(", "),
                })
              : t("allPresent")}
          </p>
        ) : null}
        {ensure.error ? (
          <p role="alert" data-testid="cc-fields-error" className="text-sm text-destructive">
            {errorText(ensure.error)}
          </p>
        ) : null}
        {isAdmin ? (
          <div>
            <Button
              type="button"
              variant="outline"
              disabled={ensure.isPending}
              onClick={() => ensure.mutate()}
            >
              {ensure.isPending ? <LoaderCircle className="animate-spin" /> : null}
              {ensure.isPending ? t("checking") : t("check")}
            </Button>
          </div>
        ) : tenant.data ? (
          <p className="text-sm text-muted-foreground">{t("adminOnly")}</p>
        ) : null}
      </CardContent>
    </Card>
  );
}
