import { bigint, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";

export const callDirection = pgEnum("call_direction", ["incoming", "outgoing", "internal", "unknown"]);
export const callStage = pgEnum("call_stage", ["in_progress", "finished"]);

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
    /** The client's number, E.164 (null for internal calls or an unparseable number). */
    clientPhone: text("client_phone"),
    lineNumber: text("line_number"),
    /** Extensions that rang, in first-seen order. */
    rangExtensions: jsonb("rang_extensions").notNull().default([]),
    answeredExtension: text("answered_extension"),
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
    ...timestamps,
  },
  (t) => [
    uniqueIndex("calls_tenant_entry").on(t.tenantId, t.entryId),
    index("calls_tenant_started").on(t.tenantId, t.startedAt),
  ],
);

export type CallRow = typeof calls.$inferSelect;
