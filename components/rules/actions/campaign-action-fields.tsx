"use client";

import { useQuery } from "@tanstack/react-query";
import { ExternalLink, Megaphone, ShieldAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { Controller, useFormContext, useWatch } from "react-hook-form";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/client";
import { Block, Checkbox, FieldError, type RuleFormCtx } from "../form-bits";
import type { RuleFormValues } from "../form-values";
import { StageField } from "./callback-action-fields";

/** What the campaign action offers (rules.campaignOptions), loaded once per editor. */
export function useCampaignOptions() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.rules.campaignOptions.queryOptions(), staleTime: 60_000 });
}

const noteClass =
  "flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900";

/**
 * «Добавить автозвонок в кампанию обзвона»: the Contact Center campaign (live from MANGO, with its status
 * and whether it is endless; a completed one is listed but cannot be picked, with the reason) and
 * «Действие, если оператор не смог дозвониться» — a task for the responsible and/or a stage. Offered only
 * while both Contact Center settings are on; otherwise a short note says which to turn on (a rule that
 * already has the action still shows its switch, so it can be turned off). The same fields in the portal
 * and in the widget's DP iframe.
 */
export function CampaignActionFields({ context, disabled }: RuleFormCtx) {
  const t = useTranslations("rules.form.campaign");
  const enabled = useWatch<RuleFormValues, "campaign.enabled">({ name: "campaign.enabled" });
  const campaignId = useWatch<RuleFormValues, "campaign.campaignId">({ name: "campaign.campaignId" });
  const storedName = useWatch<RuleFormValues, "campaign.campaignName">({ name: "campaign.campaignName" });
  const { setValue } = useFormContext<RuleFormValues>();
  const options = useCampaignOptions();
  const ids = { enabled: useId(), campaign: useId() };
  const unavailable = options.data && !options.data.available ? options.data.unavailable : null;
  const campaigns = options.data?.campaigns ?? [];
  const picked = campaigns.find((c) => String(c.id) === campaignId);
  const notPickable = (status: string) =>
    t(status === "deleting" ? "notPickable.deleting" : "notPickable.completed");

  const note = unavailable ? (
    <p role="note" className={noteClass} data-testid="campaign-unavailable">
      <ShieldAlert className="mt-0.5 size-4 shrink-0" />
      <span>
        {t(unavailable === "dpTasks" ? "unavailableDpTasks" : "unavailableContactCenter")}{" "}
        <a
          href="/settings"
          target="_blank"
          rel="noopener"
          className="inline-flex items-center gap-1 font-medium underline underline-offset-4"
        >
          {t("settingsLink")}
          <ExternalLink className="size-3.5" />
        </a>
      </span>
    </p>
  ) : null;

  if (unavailable && !enabled)
    return (
      <Block title={t("title")}>
        <div data-testid="campaign-action">{note}</div>
      </Block>
    );

  return (
    <Block title={t("title")} hint={t("hint")}>
      <div className="flex flex-col gap-3" data-testid="campaign-action">
        {note}
        <div className="flex items-center gap-3">
          <Controller
            name="campaign.enabled"
            render={({ field }) => (
              <Switch
                id={ids.enabled}
                checked={field.value}
                onCheckedChange={field.onChange}
                // Unavailable: only switching a stored action off is offered; loading: wait for the answer.
                disabled={disabled || options.isPending || (unavailable !== null && !field.value)}
                data-testid="campaign-enabled"
              />
            )}
          />
          <Label htmlFor={ids.enabled} className="flex items-center gap-1.5">
            <Megaphone className="size-4" />
            {t("enable")}
          </Label>
        </div>
      </div>
      {enabled ? (
        <div
          className="ml-5 flex flex-col gap-4 border-l-2 border-primary/20 pl-4"
          data-testid="campaign-fields"
        >
          {context.me.hasExtension ? null : (
            <p role="note" className={noteClass} data-testid="campaign-needs-extension">
              <ShieldAlert className="mt-0.5 size-4 shrink-0" />
              {t("needsExtension")}
            </p>
          )}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.campaign}>{t("campaign")}</Label>
            <Controller
              name="campaign.campaignId"
              render={({ field }) => (
                <Select
                  value={field.value || undefined}
                  onValueChange={(v) => {
                    field.onChange(v);
                    const c = campaigns.find((x) => String(x.id) === v);
                    if (c) setValue("campaign.campaignName", c.name);
                  }}
                  disabled={disabled}
                >
                  <SelectTrigger id={ids.campaign} aria-label={t("campaign")} className="w-full max-w-md">
                    <SelectValue placeholder={t("campaignPlaceholder")} />
                  </SelectTrigger>
                  <SelectContent>
                    {field.value && !picked ? (
                      // The rule's campaign, not listed now (MANGO did not answer, or it is gone).
                      <SelectItem value={field.value}>
                        {storedName || `#${field.value}`} · {t("storedMissing")}
                      </SelectItem>
                    ) : null}
                    {campaigns.map((c) => (
                      <SelectItem
                        key={c.id}
                        value={String(c.id)}
                        disabled={!c.pickable && String(c.id) !== field.value}
                        data-testid={`campaign-option-${c.id}`}
                      >
                        <span className="flex flex-col">
                          <span>
                            {c.name} · {t(`status.${c.status}`)}
                            {c.endless ? ` · ${t("endless")}` : ""}
                          </span>
                          {c.pickable ? null : (
                            <span className="text-xs text-muted-foreground">{notPickable(c.status)}</span>
                          )}
                        </span>
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            />
            {picked && !picked.pickable ? (
              <p role="note" className="text-xs text-amber-800" data-testid="campaign-not-pickable">
                {notPickable(picked.status)}
              </p>
            ) : null}
            {options.data?.campaignsProblemKind ? (
              <p role="note" className="text-xs text-amber-800" data-testid="campaigns-problem">
                {t(`problem.${options.data.campaignsProblemKind}`)}
              </p>
            ) : options.isError ? (
              <p role="note" className="text-xs text-amber-800">
                {t("optionsError")}
              </p>
            ) : options.isSuccess && campaigns.length === 0 && options.data.available ? (
              <p className="text-xs text-muted-foreground">{t("noCampaigns")}</p>
            ) : (
              <p className="text-xs text-muted-foreground">{t("campaignHint")}</p>
            )}
            <FieldError name="campaign.campaignId" />
          </div>
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-2 text-sm font-medium">{t("notReached")}</legend>
            <Controller
              name="campaign.task"
              render={({ field }) => (
                <Checkbox
                  id="campaign-not-reached-task"
                  label={t("task")}
                  hint={t("taskHint")}
                  checked={field.value}
                  disabled={disabled}
                  onChange={(e) => field.onChange(e.target.checked)}
                />
              )}
            />
            <StageField name="campaign.stage" label={t("stage")} context={context} disabled={disabled} />
          </fieldset>
        </div>
      ) : null}
    </Block>
  );
}
