"use client";

import { Pencil, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { RuleCampaignAlert, RuleTechnicalTask } from "@/components/campaigns/rule-campaign-alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { Condition } from "@/lib/domain/rules/schema";
import { formatPrice } from "./format";
import { TemplateText } from "./template-text";
import type { EditorContext, StoredRule } from "./types";

type Props = {
  rule: StoredRule;
  context: EditorContext;
  canEdit: boolean;
  onEdit: () => void;
  onDelete: () => void;
  deleting: boolean;
  /** Under the summary: the progress of "apply to current deals" (ApplyProgress). */
  children?: ReactNode;
};

/** One rule of a stage as a summary: when, on which deals, what it sends to whom. */
export function RuleCard({ rule, context, canEdit, onEdit, onDelete, deleting, children }: Props) {
  const t = useTranslations("rules");
  const conditionText = useConditionText(context);
  const sms = rule.actions.find((a) => a.kind === "sms");
  const callback = rule.actions.find((a) => a.kind === "callback");
  const campaign = rule.actions.find((a) => a.kind === "campaign");
  const list = rule.conditions.items.map(conditionText).join("; ");
  return (
    <article className="flex flex-col gap-2 rounded-lg border bg-card p-3" data-testid={`rule-${rule.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h4 className="font-medium" data-testid="rule-name">
            {rule.name || t("stage.unnamed")}
          </h4>
          <Badge variant={rule.enabled ? "secondary" : "outline"}>
            {rule.enabled ? t("stage.enabled") : t("stage.disabled")}
          </Badge>
        </div>
        {canEdit ? (
          <div className="flex gap-1">
            <Button variant="ghost" size="sm" onClick={onEdit} aria-label={t("stage.edit")}>
              <Pencil />
              {t("stage.edit")}
            </Button>
            <Button
              variant="ghost"
              size="sm"
              onClick={onDelete}
              disabled={deleting}
              aria-label={t("stage.delete")}
            >
              <Trash2 />
              {t("stage.delete")}
            </Button>
          </div>
        ) : null}
      </div>
      {campaign ? <RuleCampaignAlert ruleId={rule.id} /> : null}
      <dl className="flex flex-col gap-0.5 text-sm text-muted-foreground">
        <dd>{t("stage.when", { trigger: t(`triggers.${rule.trigger}`) })}</dd>
        <dd data-testid="rule-conditions">
          {rule.conditions.items.length === 0
            ? t("stage.conditionsNone")
            : rule.conditions.mode === "all"
              ? t("stage.conditionsAll", { list })
              : t("stage.conditionsAny", { list })}
        </dd>
        {sms ? (
          <>
            <dd>
              {t("stage.sms", {
                sender: sms.senderName,
                recipients: sms.recipients.map((r) => t(`recipientNames.${r}`)).join(", "),
              })}
            </dd>
            <dd className="line-clamp-2 text-foreground" data-testid="rule-template">
              <TemplateText template={sms.template} macros={context.macros} />
            </dd>
          </>
        ) : null}
        {callback ? <CallbackSummary action={callback} /> : null}
        {campaign ? <CampaignSummary action={campaign} context={context} /> : null}
        {campaign ? <RuleTechnicalTask campaignId={campaign.campaignId} /> : null}
        {rule.applyToCurrentDeals ? <dd>{t("stage.applyCurrent")}</dd> : null}
      </dl>
      {children}
    </article>
  );
}

/** «Автоперезвон: ответственный → клиент, линия сотрудника по умолчанию; задача при неудаче». */
function CallbackSummary({
  action,
}: {
  action: Extract<StoredRule["actions"][number], { kind: "callback" }>;
}) {
  const t = useTranslations("rules.stage");
  const target =
    action.target.type === "responsible"
      ? t("callbackTargets.responsible")
      : action.target.type === "employee"
        ? t("callbackTargets.employee", { name: action.target.userName ?? `#${action.target.amoUserId}` })
        : t("callbackTargets.group", { name: action.target.groupName ?? `#${action.target.mangoGroupId}` });
  const line = action.lineNumber ? t("callbackLine", { line: action.lineNumber }) : t("callbackDefaultLine");
  return (
    <dd data-testid="rule-callback">
      {t("callback", { target, line })}
      {action.taskOnFailure ? `; ${t("callbackTask")}` : ""}
    </dd>
  );
}

/** «Кампания «Заявки с сайта»; если не дозвонились: задача, этап Воронка → Переговоры». */
function CampaignSummary({
  action,
  context,
}: {
  action: Extract<StoredRule["actions"][number], { kind: "campaign" }>;
  context: EditorContext;
}) {
  const t = useTranslations("rules.stage");
  const { task, stage } = action.onNotReached;
  const pipeline = stage ? context.pipelines.find((p) => p.id === stage.pipelineId) : undefined;
  const status = stage ? pipeline?.statuses.find((s) => s.id === stage.statusId) : undefined;
  const stageName = stage
    ? `${pipeline?.name ?? `#${stage.pipelineId}`} → ${status?.name ?? `#${stage.statusId}`}`
    : null;
  const notReached = [
    ...(task ? [t("campaignTask")] : []),
    ...(stageName ? [t("campaignStage", { stage: stageName })] : []),
  ];
  return (
    <dd data-testid="rule-campaign">
      {t("campaign", { name: action.campaignName ?? `#${action.campaignId}` })}
      {notReached.length > 0 ? `; ${t("campaignNotReached", { list: notReached.join(", ") })}` : ""}
    </dd>
  );
}

function useConditionText(context: EditorContext) {
  const t = useTranslations("rules");
  return (c: Condition): string => {
    switch (c.kind) {
      case "tag":
        return t(c.op === "equals" ? "conditionText.tag_equals" : "conditionText.tag_contains", {
          value: c.value,
        });
      case "budget":
        return t(`conditionText.budget_${c.op}`, { value: formatPrice(c.value) });
      case "responsible": {
        const name =
          context.users.find((u) => u.amoUserId === c.userId)?.name ?? c.userName ?? `#${c.userId}`;
        return t("conditionText.responsible", { value: name });
      }
      case "custom_field": {
        const field =
          context.fields.lead.find((f) => f.id === c.fieldId)?.name ?? c.fieldName ?? `#${c.fieldId}`;
        return t("conditionText.custom_field", {
          field,
          op: t(`form.ops.${c.op}`),
          value: c.value === undefined ? "" : `«${c.value}»`,
        }).trim();
      }
    }
  };
}
