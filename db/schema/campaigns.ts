import {
  bigint,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";
import { rules } from "./rules";

/**
 * queued → added (MANGO has the task, its id kept) / duplicate (the number was already in the campaign: no
 * second task, no error) / failed (a refusal — completed campaign, limits … — with MANGO's code and reason).
 */
export const campaignTaskState = pgEnum("campaign_task_state", ["queued", "added", "duplicate", "failed"]);

/**
 * One Contact Center campaign task a DP rule asked for: one per (deal, campaign) whatever rule or occurrence
 * asked, so a repeated webhook, a second rule or a re-applied rule adds nothing. The client's number is
 * sealed like an SMS's (`phone` masked, `phone_sealed` AES-256-GCM bound to the tenant and the row).
 */
export const campaignTasks = pgTable(
  "campaign_tasks",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    leadId: bigint("lead_id", { mode: "number" }).notNull(),
    contactId: bigint("contact_id", { mode: "number" }),
    campaignId: bigint("campaign_id", { mode: "number" }).notNull(),
    campaignName: text("campaign_name"),
    /** The first intent that asked (rule, deal, occurrence), for the journal. */
    idempotencyKey: text("idempotency_key").notNull(),
    state: campaignTaskState("state").notNull().default("queued"),
    contactName: text("contact_name"),
    phone: text("phone").notNull(),
    phoneSealed: text("phone_sealed").notNull(),
    sealKeyId: text("seal_key_id").notNull(),
    /** MANGO's task id (task/add answers it; for tasks/push it is found in the campaign's task list). */
    mangoTaskId: bigint("mango_task_id", { mode: "number" }),
    reason: text("reason"),
    resultCode: integer("result_code"),
    addedAt: ts("added_at"),
    /**
     * How the task ended (outcome.ts): reached (MANGO's reason 1, the client talked), not_reached (any other
     * final reason), stopped (no longer followed: the campaign completed or deleted, MANGO no longer knows
     * the task). Null while the task is open and polled.
     */
    outcome: text("outcome").$type<CampaignTaskOutcome>(),
    /** MANGO's task `status_reason` when it ended (SPEC §4.6.13: 1 разговор состоялся, 2 занят …). */
    mangoStatusReason: integer("mango_status_reason"),
    /** The outcome in Russian, with MANGO's reason: what the journal and the amoCRM task say. */
    outcomeReason: text("outcome_reason"),
    finishedAt: ts("finished_at"),
    /**
     * Polls so far (the backoff step) and when the task is next asked about; null = not asked. Once the
     * outcome is known, `polls` counts failed attempts to apply it instead (outcome.ts `failedToApply`).
     */
    polls: integer("polls").notNull().default(0),
    nextPollAt: ts("next_poll_at"),
    /** «Если оператор не смог дозвониться»: the amoCRM task made for the responsible, once. */
    amoTaskId: bigint("amo_task_id", { mode: "number" }),
    /** Stamped before the amoCRM task is sent: a later pass that finds it without `amo_task_id` looks first. */
    amoTaskSentAt: ts("amo_task_sent_at"),
    /** The outcome's consequences are done (or there were none): never again. */
    outcomeAppliedAt: ts("outcome_applied_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("campaign_tasks_tenant_lead_campaign").on(t.tenantId, t.leadId, t.campaignId),
    index("campaign_tasks_tenant_rule_lead").on(t.tenantId, t.ruleId, t.leadId),
    index("campaign_tasks_tenant_next_poll").on(t.tenantId, t.nextPollAt),
  ],
);

/**
 * The technical task of a campaign (seed: a task with the PBX's own number, so the campaign never runs
 * empty): the row is the claim — inserted once per (tenant, campaign), so exactly one addition adds it even
 * when the first additions race on several instances. `state` adding → added; a failed attempt drops the
 * claim so a later addition tries again. A task a person deletes in MANGO is not re-added.
 */
export const campaignTechnicalTasks = pgTable(
  "campaign_technical_tasks",
  {
    tenantId: tenantRef(),
    campaignId: bigint("campaign_id", { mode: "number" }).notNull(),
    state: text("state").$type<"adding" | "added" | "deleted">().notNull().default("adding"),
    number: text("number"),
    mangoTaskId: bigint("mango_task_id", { mode: "number" }),
    addedAt: ts("added_at"),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.campaignId] })],
);

export type CampaignTaskOutcome = "reached" | "not_reached" | "stopped";

export type CampaignTaskRow = typeof campaignTasks.$inferSelect;
