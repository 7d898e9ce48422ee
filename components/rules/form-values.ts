import { z } from "zod";
import {
  budgetValueSchema,
  fallbackSchema,
  fieldNumberSchema,
  fieldTextSchema,
  ruleNameSchema,
  SNAPSHOT_NAME_MAX,
  senderNameSchema,
  tagValueSchema,
  templateSchema,
} from "@/lib/domain/rules/bounds";
import {
  CALLBACK_TARGETS,
  type CallbackAction,
  type CampaignAction,
  CUSTOM_FIELD_OPS,
  canApplyToCurrentDeals,
  RULE_TRIGGERS,
  type RuleAction,
  type RuleDraft,
  type RuleTrigger,
  SMS_RECIPIENTS,
  type SmsRecipient,
} from "@/lib/domain/rules/schema";
import { estimateSmsTemplate } from "@/lib/domain/sms/preview-estimate";
import { formMessageOf } from "./form-issues";
import type { StoredRule } from "./types";

/**
 * The editor's form: what a person types (numbers as text, a condition row with every kind's fields) and
 * its conversion to the rule draft `rules.save` validates. Each field is checked with the schema the
 * server uses for it (lib/domain/rules/bounds.ts), so both refuse the same values with the same limits;
 * validation messages are keys of `rules.form.errors` (form-issues.ts), translated where they are shown.
 */

/** Triggers amoCRM or its account webhooks deliver; "invoice_paid" has no source and is shown disabled. */
export const OFFERED_TRIGGERS = [
  "entered_stage",
  "created_in_stage",
  "responsible_changed",
  "deal_lost",
  "incoming_call",
  "incoming_mail",
  "incoming_chat",
  "site_visit",
] as const satisfies readonly RuleTrigger[];
export const UNAVAILABLE_TRIGGERS = ["invoice_paid"] as const satisfies readonly RuleTrigger[];
/** The triggers "apply to current deals" is offered for (the server refuses it for the others). */
export { canApplyToCurrentDeals };

export const CONDITION_KINDS = ["tag", "budget", "responsible", "custom_field"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];
export const OPS_OF: Record<ConditionKind, readonly string[]> = {
  tag: ["equals", "contains"],
  budget: ["gt", "lt", "eq"],
  responsible: ["is"],
  custom_field: CUSTOM_FIELD_OPS,
};
const NO_VALUE_OPS = new Set(["empty", "not_empty"]);
const NUMBER_OPS = new Set(["gt", "lt"]);

const number = (s: string) => Number(s.replace(/\s/g, "").replace(",", "."));
const isNumber = (s: string) => s.trim() !== "" && Number.isFinite(number(s));

export const conditionRowSchema = z
  .object({
    kind: z.enum(CONDITION_KINDS),
    op: z.string(),
    value: z.string(),
    userId: z.string(),
    fieldId: z.string(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    /** The value checked with the server's schema; its first issue, as a form message. */
    const check = (schema: z.ZodType, value: unknown) => {
      const parsed = schema.safeParse(value);
      if (!parsed.success) issue("value", formMessageOf({ ...parsed.error.issues[0]!, path: ["value"] }));
    };
    // "-5" is a number, and negative: said so, not «нужно число».
    const numeric = (schema: z.ZodType) =>
      isNumber(c.value) ? check(schema, number(c.value)) : issue("value", "number");
    if (c.kind === "tag") check(tagValueSchema, c.value);
    if (c.kind === "budget") numeric(budgetValueSchema);
    if (c.kind === "responsible" && !c.userId) issue("userId", "required");
    if (c.kind === "custom_field") {
      if (!c.fieldId) issue("fieldId", "required");
      if (NUMBER_OPS.has(c.op)) numeric(fieldNumberSchema);
      else if (NO_VALUE_OPS.has(c.op)) return;
      else if (c.value.trim()) check(fieldTextSchema, c.value.trim());
      else issue("value", "required");
    }
  });
export type ConditionRow = z.infer<typeof conditionRowSchema>;

/**
 * «Совершать автоперезвон» as typed: ids as text ("" = none), a stage as "pipelineId:statusId" ("" = stay).
 * An employee target needs the employee, a group its group and a line (MANGO's callback_group needs one).
 */
export const callbackFormSchema = z
  .object({
    enabled: z.boolean(),
    targetType: z.enum(CALLBACK_TARGETS),
    amoUserId: z.string(),
    mangoGroupId: z.string(),
    lineNumber: z.string(),
    taskOnFailure: z.boolean(),
    stageOnSuccess: z.string(),
    stageOnFailure: z.string(),
  })
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    if (c.targetType === "employee" && !c.amoUserId)
      ctx.addIssue({ code: "custom", path: ["amoUserId"], message: "employeeRequired" });
    if (c.targetType === "group" && !c.mangoGroupId)
      ctx.addIssue({ code: "custom", path: ["mangoGroupId"], message: "groupRequired" });
    if (c.targetType === "group" && !c.lineNumber)
      ctx.addIssue({ code: "custom", path: ["lineNumber"], message: "lineRequired" });
  });
export type CallbackFormValues = z.infer<typeof callbackFormSchema>;

export const emptyCallback = (): CallbackFormValues => ({
  enabled: false,
  targetType: "responsible",
  amoUserId: "",
  mangoGroupId: "",
  lineNumber: "",
  taskOnFailure: false,
  stageOnSuccess: "",
  stageOnFailure: "",
});

/**
 * «Добавить автозвонок в кампанию обзвона» as typed: the campaign id as text ("" = none picked) with the
 * name it had when picked (kept in the action for the journal and the card, and kept as stored when MANGO
 * cannot list the campaigns), and «если оператор не смог дозвониться»: a task and/or a stage ("" = stay).
 */
export const campaignFormSchema = z
  .object({
    enabled: z.boolean(),
    campaignId: z.string(),
    campaignName: z.string(),
    task: z.boolean(),
    stage: z.string(),
  })
  .superRefine((c, ctx) => {
    if (c.enabled && !c.campaignId)
      ctx.addIssue({ code: "custom", path: ["campaignId"], message: "campaignRequired" });
  });
export type CampaignFormValues = z.infer<typeof campaignFormSchema>;

export const emptyCampaign = (): CampaignFormValues => ({
  enabled: false,
  campaignId: "",
  campaignName: "",
  task: false,
  stage: "",
});

const formFields = {
  name: ruleNameSchema,
  enabled: z.boolean(),
  trigger: z.enum(RULE_TRIGGERS).refine((t): boolean => t !== "invoice_paid", "triggerUnavailable"),
  mode: z.enum(["all", "any"]),
  conditions: z.array(conditionRowSchema).max(20),
  recipients: z
    .object({ client: z.boolean(), responsible: z.boolean(), author: z.boolean() })
    .refine((r) => r.client || r.responsible || r.author, "recipients"),
  senderName: senderNameSchema,
  template: templateSchema.superRefine((template, ctx) => {
    const estimate = estimateSmsTemplate(template);
    if (estimate.unknown.length > 0) ctx.addIssue({ code: "custom", message: "unknownMacro" });
    else if (estimate.malformed) ctx.addIssue({ code: "custom", message: "malformed" });
    else if (!estimate.length.ok) ctx.addIssue({ code: "custom", message: "overLimit" });
  }),
  fallback: fallbackSchema,
  /** A one-shot "apply now" for this save, not a setting: it starts unchecked every time the form opens. */
  applyToCurrentDeals: z.boolean(),
  /** «Отправить SMS по шаблону» is one action among others: off, its fields are kept but not checked. */
  smsEnabled: z.boolean(),
  callback: callbackFormSchema,
  campaign: campaignFormSchema,
};
const atLeastOneAction = (v: {
  smsEnabled: boolean;
  callback: { enabled: boolean };
  campaign: { enabled: boolean };
}) => v.smsEnabled || v.callback.enabled || v.campaign.enabled;
export const ruleFormSchema = z
  .object(formFields)
  .refine(atLeastOneAction, { path: ["smsEnabled"], message: "noActions" });
/** The same form with the SMS action off: its fields are not checked (nor sent). */
export const ruleFormSchemaWithoutSms = z
  .object({
    ...formFields,
    recipients: z.object({ client: z.boolean(), responsible: z.boolean(), author: z.boolean() }),
    senderName: z.string(),
    template: z.string(),
    fallback: z.string(),
  })
  .refine(atLeastOneAction, { path: ["smsEnabled"], message: "noActions" });
export type RuleFormValues = z.infer<typeof ruleFormSchema>;

export function newCondition(kind: ConditionKind = "tag"): ConditionRow {
  return { kind, op: OPS_OF[kind][0]!, value: "", userId: "", fieldId: "" };
}

export function emptyForm(senderName = ""): RuleFormValues {
  return {
    name: "",
    enabled: true,
    trigger: "entered_stage",
    mode: "all",
    conditions: [],
    recipients: { client: true, responsible: false, author: false },
    senderName,
    template: "",
    fallback: "",
    applyToCurrentDeals: false,
    smsEnabled: true,
    callback: emptyCallback(),
    campaign: emptyCampaign(),
  };
}

const stageText = (s: { pipelineId: number; statusId: number } | null) =>
  s ? `${s.pipelineId}:${s.statusId}` : "";
const stageOf = (v: string) => {
  if (!v) return null;
  const [pipelineId, statusId] = v.split(":").map(Number);
  return { pipelineId: pipelineId!, statusId: statusId! };
};

function callbackFormOf(action: CallbackAction | undefined): CallbackFormValues {
  if (!action) return emptyCallback();
  const t = action.target;
  return {
    enabled: true,
    targetType: t.type,
    amoUserId: t.type === "employee" ? String(t.amoUserId) : "",
    mangoGroupId: t.type === "group" ? String(t.mangoGroupId) : "",
    lineNumber: action.lineNumber ?? "",
    taskOnFailure: action.taskOnFailure,
    stageOnSuccess: stageText(action.stageOnSuccess),
    stageOnFailure: stageText(action.stageOnFailure),
  };
}

/** Names kept in the callback action at save time (for the journal and the rule card). */
export type CallbackNames = { users: Map<number, string>; groups: Map<number, string> };

export function callbackActionOf(c: CallbackFormValues, names: CallbackNames): CallbackAction {
  const target: CallbackAction["target"] =
    c.targetType === "employee"
      ? { type: "employee", amoUserId: Number(c.amoUserId), userName: names.users.get(Number(c.amoUserId)) }
      : c.targetType === "group"
        ? {
            type: "group",
            mangoGroupId: Number(c.mangoGroupId),
            groupName: names.groups.get(Number(c.mangoGroupId)),
          }
        : { type: "responsible" };
  return {
    kind: "callback",
    target,
    lineNumber: c.lineNumber || null,
    taskOnFailure: c.taskOnFailure,
    stageOnSuccess: stageOf(c.stageOnSuccess),
    stageOnFailure: stageOf(c.stageOnFailure),
  };
}

function campaignFormOf(action: CampaignAction | undefined): CampaignFormValues {
  if (!action) return emptyCampaign();
  return {
    enabled: true,
    campaignId: String(action.campaignId),
    campaignName: action.campaignName ?? "",
    task: action.onNotReached.task,
    stage: stageText(action.onNotReached.stage),
  };
}

export function campaignActionOf(c: CampaignFormValues): CampaignAction {
  const name = c.campaignName.trim().slice(0, SNAPSHOT_NAME_MAX);
  return {
    kind: "campaign",
    campaignId: Number(c.campaignId),
    ...(name ? { campaignName: name } : {}),
    onNotReached: { task: c.task, stage: stageOf(c.stage) },
  };
}

/** A stored rule in the form; a rule without an SMS action (a later kind) gets an empty SMS part. */
export function formFromRule(rule: StoredRule): RuleFormValues {
  const sms = rule.actions.find((a) => a.kind === "sms");
  const callback = rule.actions.find((a) => a.kind === "callback");
  const campaign = rule.actions.find((a) => a.kind === "campaign");
  return {
    name: rule.name,
    enabled: rule.enabled,
    trigger: rule.trigger,
    mode: rule.conditions.mode,
    conditions: rule.conditions.items.map((c) => {
      const row = newCondition(c.kind);
      if (c.kind === "responsible") return { ...row, userId: String(c.userId) };
      if (c.kind === "custom_field")
        return {
          ...row,
          op: c.op,
          fieldId: String(c.fieldId),
          value: c.value === undefined ? "" : String(c.value),
        };
      return { ...row, op: c.op, value: String(c.value) };
    }),
    recipients: {
      client: sms?.recipients.includes("client") ?? true,
      responsible: sms?.recipients.includes("responsible") ?? false,
      author: sms?.recipients.includes("author") ?? false,
    },
    senderName: sms?.senderName ?? "",
    template: sms?.template ?? "",
    fallback: sms?.fallback ?? "",
    // Not the stored flag: reloading it would re-run the application on every later save of the rule.
    applyToCurrentDeals: false,
    smsEnabled: sms !== undefined || (callback === undefined && campaign === undefined),
    callback: callbackFormOf(callback),
    campaign: campaignFormOf(campaign),
  };
}

export function recipientsOf(r: RuleFormValues["recipients"]): SmsRecipient[] {
  return SMS_RECIPIENTS.filter((role) => r[role]);
}

type Names = { users: Map<number, string>; fields: Map<number, string> };

function conditionOf(c: ConditionRow, names: Names): RuleDraft["conditions"]["items"][number] {
  switch (c.kind) {
    case "tag":
      return { kind: "tag", op: c.op as "equals" | "contains", value: c.value.trim() };
    case "budget":
      return { kind: "budget", op: c.op as "gt" | "lt" | "eq", value: number(c.value) };
    case "responsible": {
      const userId = Number(c.userId);
      return { kind: "responsible", userId, userName: names.users.get(userId) };
    }
    case "custom_field": {
      const fieldId = Number(c.fieldId);
      const op = c.op as (typeof CUSTOM_FIELD_OPS)[number];
      const value = NO_VALUE_OPS.has(op) ? undefined : NUMBER_OPS.has(op) ? number(c.value) : c.value.trim();
      return { kind: "custom_field", fieldId, fieldName: names.fields.get(fieldId), op, value };
    }
  }
}

/** The conditions part alone: the live preview evaluates them while the form is being edited. */
export function conditionsOf(values: Pick<RuleFormValues, "mode" | "conditions">, names: Names) {
  return { mode: values.mode, items: values.conditions.map((c) => conditionOf(c, names)) };
}

/** The action kinds this form edits; a rule's actions of other kinds are kept as they are. */
const FORM_KINDS = new Set<RuleAction["kind"]>(["sms", "callback", "campaign"]);

/**
 * The draft `rules.save` takes: the SMS, callback and campaign actions are the form's (each when switched
 * on, the SMS first — form-issues.ts places the server's issues by that); actions of kinds the form does
 * not edit (`keep`) stay as they are.
 */
export function draftOf(
  values: RuleFormValues,
  stage: { pipelineId: number; statusId: number },
  names: Names & { groups?: Map<number, string> },
  keep: RuleAction[] = [],
): RuleDraft {
  const sms: RuleAction = {
    kind: "sms",
    recipients: recipientsOf(values.recipients),
    senderName: values.senderName.trim(),
    template: values.template.trim(),
    fallback: values.fallback.trim() ? values.fallback : null,
  };
  return {
    ...stage,
    name: values.name.trim(),
    enabled: values.enabled,
    trigger: values.trigger,
    conditions: conditionsOf(values, names),
    actions: [
      ...(values.smsEnabled ? [sms] : []),
      ...(values.callback.enabled
        ? [callbackActionOf(values.callback, { users: names.users, groups: names.groups ?? new Map() })]
        : []),
      ...(values.campaign.enabled ? [campaignActionOf(values.campaign)] : []),
      ...keep.filter((a) => !FORM_KINDS.has(a.kind)),
    ],
    // Checked while the trigger allowed it, then the trigger changed: the box is disabled, the flag dropped.
    applyToCurrentDeals: values.applyToCurrentDeals && canApplyToCurrentDeals(values.trigger),
  };
}
