import { z } from "zod";
import {
  budgetValueSchema,
  fallbackSchema,
  fieldNumberSchema,
  fieldTextSchema,
  ruleNameSchema,
  senderNameSchema,
  snapshotNameSchema,
  tagValueSchema,
  templateSchema,
} from "./bounds";

/**
 * Digital-pipeline rules: what a tenant wants to happen when a deal event occurs on a pipeline stage
 * (reference mango-cc-and-widget.md §2.5–2.7 — MANGO's own DP dialog: conditions, the deal event, one or
 * more actions, "Применить триггер к текущим сделкам в статусе"). Several rules per stage; each is evaluated
 * on its own, so two matching rules both act.
 *
 * Stored as a JSON document with `version`: a field added later gets a default; a field that changes meaning
 * bumps RULE_SCHEMA_VERSION and adds a step in `upgradeStoredRule`, so old rows never need a data migration.
 */
export const RULE_SCHEMA_VERSION = 1;

const amoId = z.number().int().positive();

/** A pipeline stage, e.g. where a callback moves the deal afterwards. */
export const stageSchema = z.object({ pipelineId: amoId, statusId: amoId });
export type Stage = z.infer<typeof stageSchema>;

/**
 * The deal event a rule waits for. The first group is what amoCRM's DP webhook documents (amocrm-api.md
 * §4.3: types 1, 14/15, 16–19; customer events 20–22 are left out — rules belong to deal stages). The second
 * is MANGO's "при каком действии со сделкой" list (§2.6: смена ответственного, отмена сделки, оплата счёта),
 * for which amoCRM documents no DP event type: they arrive from another source (account webhooks
 * `responsible_lead` / `status_lead` → 143), subscribed at onboarding — see `account-webhook.ts`.
 */
export const RULE_TRIGGERS = [
  "entered_stage", // DP 14 lead_status_changed, 15 lead_appeared_in_status
  "created_in_stage", // DP 1 lead_added
  "incoming_call", // DP 17 call_in
  "incoming_mail", // DP 16 mail_in
  "incoming_chat", // DP 19 chat
  "site_visit", // DP 18 site_visit
  "responsible_changed", // MANGO §2.6 "смена ответственного"
  "deal_lost", // MANGO §2.6 "отмена сделки" (closed as 143 «Закрыто и не реализовано»)
  "invoice_paid", // MANGO §2.6 "оплата счёта" — amoCRM has no webhook for it: never emitted (yet)
] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

// ── conditions ────────────────────────────────────────────────────────────────────────────────────────

const tagCondition = z.object({
  kind: z.literal("tag"),
  /** Tag names are compared case-insensitively: amoCRM users type "VIP" and "vip" interchangeably. */
  op: z.enum(["equals", "contains"]),
  value: tagValueSchema,
});

const budgetCondition = z.object({
  kind: z.literal("budget"),
  op: z.enum(["gt", "lt", "eq"]),
  value: budgetValueSchema,
});

const responsibleCondition = z.object({
  kind: z.literal("responsible"),
  userId: amoId,
  /** Name at save time, only for the journal's reason text (the user may be renamed later). */
  userName: snapshotNameSchema.optional(),
});

export const CUSTOM_FIELD_OPS = ["equals", "contains", "gt", "lt", "empty", "not_empty"] as const;

const customFieldCondition = z
  .object({
    kind: z.literal("custom_field"),
    fieldId: amoId,
    /** Field name at save time, for the reason text when the deal has no value in it. */
    fieldName: snapshotNameSchema.optional(),
    op: z.enum(CUSTOM_FIELD_OPS),
    /** Text for equals / contains; a number for gt / lt; absent for empty / not_empty. */
    value: z.union([fieldTextSchema, fieldNumberSchema]).optional(),
  })
  .superRefine((c, ctx) => {
    const needsNumber = c.op === "gt" || c.op === "lt";
    const needsValue = needsNumber || c.op === "equals" || c.op === "contains";
    if (needsNumber && typeof c.value !== "number") {
      ctx.addIssue({ code: "custom", path: ["value"], message: "Нужно число" });
    } else if (needsValue && (c.value === undefined || c.value === "")) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "Заполните поле" });
    } else if (!needsValue && c.value !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: "Для «пусто» и «заполнено» значение не указывается",
      });
    }
  });

export const conditionSchema = z.discriminatedUnion("kind", [
  tagCondition,
  budgetCondition,
  responsibleCondition,
  customFieldCondition,
]);
export type Condition = z.infer<typeof conditionSchema>;

/** No items = no filter: the rule acts on every deal of its stage and trigger (MANGO's dialog allows that). */
export const conditionsSchema = z.object({
  mode: z.enum(["all", "any"]).default("all"),
  items: z.array(conditionSchema).max(20).default([]),
});
export type Conditions = z.infer<typeof conditionsSchema>;

// ── actions ───────────────────────────────────────────────────────────────────────────────────────────

/** client = the main contact; responsible = the deal's responsible; author = the rule's author ("лично вы"). */
export const SMS_RECIPIENTS = ["client", "responsible", "author"] as const;
export type SmsRecipient = (typeof SMS_RECIPIENTS)[number];

export const smsActionSchema = z.object({
  kind: z.literal("sms"),
  recipients: z
    .array(z.enum(SMS_RECIPIENTS))
    .min(1)
    .refine((r) => new Set(r).size === r.length, "Получатель указан дважды"),
  /**
   * A sender name registered for the account in MANGO's LK (an alpha-name: ≤ 11 Latin letters/digits,
   * bounds.ts). MANGO has no API that lists them; the editor offers the names the account already used.
   */
  senderName: senderNameSchema,
  /**
   * The template with `{{…}}` macros. The bound here only caps storage: MANGO's 612 Latin / 268 Cyrillic
   * limit applies to the rendered text and is checked by server/sms (editor and before sending).
   */
  template: templateSchema,
  /** Put in place of a macro without a value; null = skip the SMS with the reason instead. */
  fallback: fallbackSchema.nullable().default(null),
});
export type SmsAction = z.infer<typeof smsActionSchema>;

/**
 * «Совершать автоперезвон» (§2.7): MANGO rings the target first, then the client (the deal's main contact),
 * and bridges them; the item waits in the tenant's paced queue (server/callbacks). The target: the deal's
 * responsible, an employee (an amoCRM user paired with an extension) or a MANGO group
 * (`commands/callback_group`, which needs a line). Names are kept at save time for the journal only.
 */
export const CALLBACK_TARGETS = ["responsible", "employee", "group"] as const;
export const callbackActionSchema = z
  .object({
    kind: z.literal("callback"),
    target: z.discriminatedUnion("type", [
      z.object({ type: z.literal("responsible") }),
      z.object({ type: z.literal("employee"), amoUserId: amoId, userName: snapshotNameSchema.optional() }),
      z.object({ type: z.literal("group"), mangoGroupId: amoId, groupName: snapshotNameSchema.optional() }),
    ]),
    /** The PBX line the client sees (MANGO's line number); null = the employee's default line. */
    lineNumber: z.string().trim().min(1).max(128).nullable().default(null),
    /** "Ставить задачи по неудавшимся звонкам": a task for the employee who was to call. */
    taskOnFailure: z.boolean().default(false),
    /** "Воронка/этап для удавшихся / неудавшихся звонков"; null = leave the deal where it is. */
    stageOnSuccess: stageSchema.nullable().default(null),
    stageOnFailure: stageSchema.nullable().default(null),
  })
  .refine((a) => a.target.type !== "group" || a.lineNumber !== null, {
    error: "Для звонка от группы выберите линию, с которой звонить",
    path: ["lineNumber"],
  });
export type CallbackAction = z.infer<typeof callbackActionSchema>;

/**
 * «Добавить автозвонок в кампанию обзвона» (§2.5): the client's number becomes a task of a Contact Center
 * outbound campaign. `onNotReached` is «действие, если оператор не смог дозвониться»: nothing, a task for
 * the deal's responsible and/or a move to a stage. A rule stored when it was only a stage (or null) reads
 * as that stage without a task.
 */
const onNotReachedSchema = z.preprocess(
  (v) =>
    v === null || v === undefined
      ? {}
      : typeof v === "object" && "pipelineId" in v
        ? { task: false, stage: v }
        : v,
  z.object({ task: z.boolean().default(false), stage: stageSchema.nullable().default(null) }),
);
export const campaignActionSchema = z.object({
  kind: z.literal("campaign"),
  campaignId: amoId,
  /** Campaign name at save time, for the journal. */
  campaignName: snapshotNameSchema.optional(),
  onNotReached: onNotReachedSchema,
});
export type CampaignAction = z.infer<typeof campaignActionSchema>;

export const actionSchema = z.discriminatedUnion("kind", [
  smsActionSchema,
  callbackActionSchema,
  campaignActionSchema,
]);

/**
 * A stored action: the sender name is held to MANGO's 128 characters only, so a rule saved before the
 * alpha-name bound (11) stays readable; saving it again asks for a valid name.
 */
function storedActionSchema() {
  return z.discriminatedUnion("kind", [
    smsActionSchema.extend({ senderName: z.string().trim().min(1).max(128) }),
    callbackActionSchema,
    campaignActionSchema,
  ]);
}
export type RuleAction = z.infer<typeof actionSchema>;
export type ActionKind = RuleAction["kind"];
export const ACTION_KINDS_LIST = ["sms", "callback", "campaign"] as const satisfies readonly ActionKind[];

// ── the rule ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * What the editor (portal page and the widget's DP iframe) sends. MANGO's dialog enables each action by a
 * flag, so a rule holds at most one action of each kind; the kind then names the action in idempotency keys.
 */
const ruleDraftObject = z.object({
  pipelineId: amoId,
  statusId: amoId,
  name: ruleNameSchema.default(""),
  enabled: z.boolean().default(true),
  trigger: z.enum(RULE_TRIGGERS),
  conditions: conditionsSchema.prefault({}),
  actions: z
    .array(actionSchema)
    .min(1)
    .refine((a) => new Set(a.map((x) => x.kind)).size === a.length, "Не больше одного действия каждого вида"),
  /**
   * "Применить триггер к текущим сделкам в статусе". On the rule, not on an action: it is one checkbox at the
   * bottom of MANGO's dialog for all its actions (§3), and the bulk job runs the whole rule over the deals.
   */
  applyToCurrentDeals: z.boolean().default(false),
});

/**
 * Triggers "apply to current deals" makes sense for: being in the stage now stands for having entered it.
 * For any other trigger (a lost deal, a changed responsible, a call) the deals of the stage did not have
 * that event, and applying would text every one of them.
 */
export const APPLY_CURRENT_TRIGGERS = [
  "entered_stage",
  "created_in_stage",
] as const satisfies readonly RuleTrigger[];
export const canApplyToCurrentDeals = (trigger: RuleTrigger): boolean =>
  (APPLY_CURRENT_TRIGGERS as readonly RuleTrigger[]).includes(trigger);
export const APPLY_CURRENT_TRIGGER_MESSAGE =
  "«Применить триггер к текущим сделкам в статусе» доступно только для событий «сделка перешла на этап» и «сделка создана на этапе»: для других событий сделки этапа этого события не проходили.";

export const ruleDraftSchema = ruleDraftObject.superRefine((draft, ctx) => {
  if (draft.applyToCurrentDeals && !canApplyToCurrentDeals(draft.trigger))
    ctx.addIssue({ code: "custom", path: ["applyToCurrentDeals"], message: APPLY_CURRENT_TRIGGER_MESSAGE });
});
export type RuleDraft = z.infer<typeof ruleDraftSchema>;

/**
 * A stored rule: the draft plus what the server sets (id, author = the amoCRM user who saved it). Built on
 * the draft without its refinement: a rule stored before the apply-trigger check must still be readable
 * (the apply job refuses it on its own — apply-run.ts).
 */
export const ruleSchema = ruleDraftObject.extend({
  actions: z.array(storedActionSchema()).min(1),
  version: z.literal(RULE_SCHEMA_VERSION),
  id: z.string().min(1),
  authorAmoUserId: amoId,
});
export type Rule = z.infer<typeof ruleSchema>;

/**
 * A stored document of any version → the current rule. Version 1 is current; a later version adds its
 * upgrade step here (e.g. `if (doc.version === 1) doc = fromV1(doc)`) before validating.
 */
export function upgradeStoredRule(doc: unknown): Rule {
  return ruleSchema.parse(doc);
}
