import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
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
 * queued → dialing → succeeded / failed; or cleared («Очистить»), removed (one item taken out of the queue),
 * expired (MANGO never told how the call ended), skipped (decided not to dial: loop guard, no phone …).
 */
export const callbackState = pgEnum("callback_state", [
  "queued",
  "dialing",
  "succeeded",
  "failed",
  "cleared",
  "removed",
  "expired",
  "skipped",
]);

/** Who is rung first: the deal's responsible, a chosen employee, or a MANGO group (commands/callback_group). */
export const callbackTargetType = pgEnum("callback_target_type", ["responsible", "employee", "group"]);

export type StageMove = { pipelineId: number; statusId: number };

/**
 * One auto-callback intent of a DP rule for a deal (rule, deal, occurrence): the durable queue the pacing
 * dispatcher drains. Made once per idempotency key, so a repeated webhook or a re-applied rule adds nothing.
 * The client's number is sealed like an SMS's (`phone` masked, `phone_sealed` AES-256-GCM bound to the
 * tenant and the row, `phone_lookup` a keyed fingerprint for the loop guard).
 */
export const callbackQueue = pgTable(
  "callback_queue",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    /** Queue order: a sequence, so items queued in the same millisecond keep their order. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    /** Rule name at queue time, for the queue view and the journal after the rule is deleted. */
    ruleName: text("rule_name").notNull().default(""),
    leadId: bigint("lead_id", { mode: "number" }).notNull(),
    leadName: text("lead_name"),
    contactId: bigint("contact_id", { mode: "number" }),
    idempotencyKey: text("idempotency_key").notNull(),
    state: callbackState("state").notNull().default("queued"),
    targetType: callbackTargetType("target_type").notNull(),
    /** The amoCRM user who is to call (employee / responsible); the task on failure goes to them. */
    targetAmoUserId: bigint("target_amo_user_id", { mode: "number" }),
    /** The employee's extension, or the group's short number, resolved when the item is queued. */
    targetExtension: text("target_extension").notNull(),
    targetName: text("target_name"),
    /** The PBX line the client sees; null = the employee's default outgoing line. */
    lineNumber: text("line_number"),
    phone: text("phone").notNull(),
    phoneSealed: text("phone_sealed").notNull(),
    phoneLookup: text("phone_lookup").notNull(),
    sealKeyId: text("seal_key_id").notNull(),
    taskOnFailure: boolean("task_on_failure").notNull().default(false),
    stageOnSuccess: jsonb("stage_on_success").$type<StageMove | null>(),
    stageOnFailure: jsonb("stage_on_failure").$type<StageMove | null>(),
    /** «Позвонить сейчас»: dialed at the next tick whatever the pacing (still one call per employee). */
    callNowAt: ts("call_now_at"),
    /** The current attempt's MANGO command id (each attempt's is in `callback_attempts`). */
    commandId: text("command_id"),
    attempts: integer("attempts").notNull().default(0),
    queuedAt: ts("queued_at").notNull().defaultNow(),
    dispatchedAt: ts("dispatched_at"),
    finishedAt: ts("finished_at"),
    /** Why it failed, was skipped, cleared or expired (Russian, for the queue view and the journal). */
    reason: text("reason"),
    /** MANGO's result code when it refused the command, or the disconnect reason of the call. */
    resultCode: integer("result_code"),
    /** Task and stage move done (amoCRM ids), so the outcome is applied once. */
    outcomeAppliedAt: ts("outcome_applied_at"),
    taskId: bigint("task_id", { mode: "number" }),
    /**
     * Stamped before the failure task is sent: a run that finds it without `task_id` (an answer lost, a
     * process that died, a run put back from the journal) looks for the task before writing it again.
     */
    taskSentAt: ts("task_sent_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("callback_queue_tenant_key").on(t.tenantId, t.idempotencyKey),
    index("callback_queue_tenant_queued").on(t.tenantId, t.seq).where(sql`${t.state} = 'queued'`),
    index("callback_queue_tenant_state").on(t.tenantId, t.state),
    index("callback_queue_tenant_rule_lead").on(t.tenantId, t.ruleId, t.leadId),
    index("callback_queue_tenant_phone").on(t.tenantId, t.phoneLookup, t.dispatchedAt),
    uniqueIndex("callback_queue_tenant_command").on(t.tenantId, t.commandId),
  ],
);

/** Each `commands/callback(_group)` sent for an item, with what MANGO said about it. */
export const callbackAttempts = pgTable(
  "callback_attempts",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => callbackQueue.id, { onDelete: "cascade" }),
    commandId: text("command_id").notNull(),
    /** MANGO's call id (events carry the command id and the entry id). */
    entryId: text("entry_id"),
    sentAt: ts("sent_at").notNull().defaultNow(),
    /** result/callback code (1000 = MANGO started the call). */
    resultCode: integer("result_code"),
    operatorConnectedAt: ts("operator_connected_at"),
    clientAnsweredAt: ts("client_answered_at"),
    finishedAt: ts("finished_at"),
    disconnectReason: integer("disconnect_reason"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("callback_attempts_tenant_command").on(t.tenantId, t.commandId),
    index("callback_attempts_item").on(t.tenantId, t.itemId),
  ],
);

/**
 * The tenant's pacing state, in PostgreSQL so every app instance and either job driver share it: the next
 * slot at which the dispatcher may dial (60 / rate seconds after the previous one).
 */
export const callbackPacing = pgTable("callback_pacing", {
  tenantId: tenantRef().primaryKey(),
  nextSlotAt: ts("next_slot_at"),
  lastDispatchAt: ts("last_dispatch_at"),
  ...timestamps,
});

/** Rules whose queued items wait («Приостановить» in the queue view) until resumed. */
export const callbackRulePauses = pgTable(
  "callback_rule_pauses",
  {
    tenantId: tenantRef(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    pausedAt: ts("paused_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.ruleId] })],
);

export type CallbackQueueRow = typeof callbackQueue.$inferSelect;
export type CallbackAttemptRow = typeof callbackAttempts.$inferSelect;
