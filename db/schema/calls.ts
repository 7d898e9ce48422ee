import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";

export const callDirection = pgEnum("call_direction", ["incoming", "outgoing", "internal", "unknown"]);
export const callStage = pgEnum("call_stage", ["in_progress", "finished"]);
/**
 * How a call was finished: by MANGO's `events/summary`, or from its legs when every leg was disconnected and
 * no summary came within the quiet period (server/calls/assembly/finish-legs.ts). A later summary still corrects
 * the record but does not change this.
 */
export const callFinishedBy = pgEnum("call_finished_by", ["summary", "legs"]);

/**
 * One call (MANGO `entry_id`) assembled from its events in whatever order and multiplicity they arrive;
 * `events/summary` finishes it. The record is what the calls feature logs to amoCRM.
 */
export const calls = pgTable(
  "calls",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    entryId: text("entry_id").notNull(),
    direction: callDirection("direction").notNull().default("unknown"),
    stage: callStage("stage").notNull().default("in_progress"),
    /**
     * The client's number masked (`+7999***4567`) for lists and the journal; null for internal calls or an
     * unparseable number. Rows assembled before numbers were sealed hold it whole (`openCallPhone` reads both).
     */
    clientPhone: text("client_phone"),
    /** The number in E.164, AES-256-GCM sealed with the call's tenant and id (server/calls/phone.ts). */
    clientPhoneSealed: text("client_phone_sealed"),
    clientPhoneKeyId: text("client_phone_key_id"),
    /** Keyed fingerprint of the number (HMAC, tenant-bound): "our previous call with this number". */
    clientPhoneLookup: text("client_phone_lookup"),
    lineNumber: text("line_number"),
    /** Extensions that rang, in the order their legs began (then by leg id), whatever order events came in. */
    rangExtensions: jsonb("rang_extensions").notNull().default([]),
    /** Who finished the conversation: the answered employee leg that disconnected last. */
    answeredExtension: text("answered_extension"),
    /** Everyone who talked with the client (transfers, consultations), in the order they answered. */
    talkedExtensions: jsonb("talked_extensions").notNull().default([]),
    /**
     * Outgoing calls: the employee who placed the call, answered or not (the summary's `from.extension`).
     * Kept apart from `answered_extension`, which stays "who talked", so an unanswered outgoing call
     * still has an owner in amoCRM.
     */
    callerExtension: text("caller_extension"),
    startedAt: ts("started_at"),
    answeredAt: ts("answered_at"),
    endedAt: ts("ended_at"),
    talkSeconds: integer("talk_seconds").notNull().default(0),
    disconnectReason: integer("disconnect_reason"),
    recordingIds: jsonb("recording_ids").notNull().default([]),
    /** Contact Center campaign call: the campaign task and who initiated the dial. */
    ccTaskId: bigint("cc_task_id", { mode: "number" }),
    callbackInitiator: text("callback_initiator"),
    commandId: text("command_id"),
    /** Identities of the events already applied: a redelivered event changes nothing. */
    appliedEvents: jsonb("applied_events").notNull().default([]),
    /**
     * Each leg (MANGO `call_id`) as its `events/call` showed it: parties, Appeared / Connected / Disconnected
     * times (server/calls/assembly/legs.ts). What a call is finished from when its summary never comes.
     */
    legs: jsonb("legs").notNull().default({}),
    /** MANGO's `events/summary` as it came, without numbers (server/calls/assembly/facts.ts `SummaryFacts`). */
    summary: jsonb("summary"),
    /**
     * Why the call is logged with another direction than MANGO's summary gave it (Russian, for the journal),
     * e.g. an employee calling an external number that the summary called incoming. Null when they agree.
     */
    directionNote: text("direction_note"),
    /** Null while in progress. */
    finishedBy: callFinishedBy("finished_by"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("calls_tenant_entry").on(t.tenantId, t.entryId),
    index("calls_tenant_started").on(t.tenantId, t.startedAt),
    index("calls_tenant_phone_lookup").on(t.tenantId, t.clientPhoneLookup),
  ],
);

export type CallRow = typeof calls.$inferSelect;

export const callLogState = pgEnum("call_log_state", ["in_progress", "done", "skipped"]);

/**
 * What `calls.log` has already done in amoCRM for one call, written step by step right after amoCRM
 * accepted each step (client, call, task). A retried run reads it and does only what is missing, so a
 * contact, deal, call or task is never created twice for one call. The `*_at` stamps mark a step as done
 * even when it legitimately produced nothing (no contact for the number, no task wanted).
 */
export const callLogs = pgTable(
  "call_logs",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    callId: uuid("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    state: callLogState("state").notNull().default("in_progress"),
    /** Why the call was skipped (journal text), or why it was only partly written. */
    reason: text("reason"),
    /**
     * What kind of skip, for code that must find them again without reading the Russian text:
     * `unattributed` — no extension of the call is paired with an amoCRM user and «Сохранять все звонки» is
     * off (the Calls page's «Неразобранные звонки»; pairing the extension re-logs them). Null otherwise.
     */
    skipKind: text("skip_kind"),
    /** Step 1, the client: found or created under the per-number lock. */
    clientResolvedAt: ts("client_resolved_at"),
    contactId: bigint("contact_id", { mode: "number" }),
    leadId: bigint("lead_id", { mode: "number" }),
    createdContact: boolean("created_contact").notNull().default(false),
    createdLead: boolean("created_lead").notNull().default(false),
    /** The rest of the resolved client (responsible, duplicates, the settings' plan) for a retried run. */
    client: jsonb("client"),
    /** Step 2, the call: through POST /api/v4/calls (`calls_api`) or as a call note (`note`). */
    loggedAt: ts("logged_at"),
    /**
     * Stamped before the call's write is sent. Set without `logged_at`, the write's outcome is unknown (a
     * timeout, a lost answer, a crash): the next run looks for the call in amoCRM before writing it again.
     */
    logAttemptedAt: ts("log_attempted_at"),
    loggedVia: text("logged_via"),
    amoCallId: bigint("amo_call_id", { mode: "number" }),
    amoNoteId: bigint("amo_note_id", { mode: "number" }),
    loggedEntityType: text("logged_entity_type"),
    loggedEntityId: bigint("logged_entity_id", { mode: "number" }),
    /** Step 3, the missed-call task. */
    taskDoneAt: ts("task_done_at"),
    /**
     * Stamped before the task's write is sent. Set without `task_done_at`, its outcome is unknown: the next
     * run looks for the task (its text carries our marker, `missedTaskMarker`) before creating it again.
     */
    taskAttemptedAt: ts("task_attempted_at"),
    taskId: bigint("task_id", { mode: "number" }),
    /**
     * The call's recording link is on the logged call in amoCRM: written with the call, or added later by
     * `calls.attach-recording` when the recording completed after the call was logged. Set once, so a repeated
     * recording event changes nothing.
     */
    recordingAttachedAt: ts("recording_attached_at"),
    recordingId: text("recording_id"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("call_logs_tenant_call").on(t.tenantId, t.callId),
    index("call_logs_tenant_skip_kind").on(t.tenantId, t.skipKind),
  ],
);

export type CallLogRow = typeof callLogs.$inferSelect;
