import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallRow, calls } from "@/db/schema";
import { sealCallPhone, withOpenPhone } from "@/server/calls/phone";
import { callEventSchema, eventSchema } from "@/server/mango/event-types";
import { eventIdentity, toCallEvent, toCallSummary, toRecordingEvent } from "@/server/mango/events";
import { type AssembledCall, applyCallEvent, applyRecording, applySummary, emptyCall } from "./assemble";
import type { SummaryFacts } from "./facts";
import type { CallLegs } from "./legs";

/**
 * The job that folds MANGO events into calls (server/events/mango-jobs.ts) and the order key of one call's
 * events: the finish job (finish-legs.ts) looks for a call's events still queued by it.
 */
export const CALL_EVENTS_JOB_ID = "mango.event";
export const callEventsOrderKey = (entryId: string) => `call:${entryId}`;

/** The MANGO event kinds that build call records. */
export const CALL_EVENT_KINDS = ["events/call", "events/summary", "events/recording"] as const;
export type CallEventKind = (typeof CALL_EVENT_KINDS)[number];
export const isCallEventKind = (kind: string): kind is CallEventKind =>
  (CALL_EVENT_KINDS as readonly string[]).includes(kind);

const toAssembled = (row: CallRow): AssembledCall => ({
  ...emptyCall(),
  ...row,
  direction: row.direction,
  rangExtensions: row.rangExtensions as string[],
  recordingIds: row.recordingIds as string[],
  appliedEvents: row.appliedEvents as string[],
  talkedExtensions: row.talkedExtensions as string[],
  legs: row.legs as CallLegs,
  summary: row.summary as SummaryFacts | null,
});

function reduce(call: AssembledCall, kind: CallEventKind, event: unknown): AssembledCall {
  switch (kind) {
    case "events/call": {
      const wire = callEventSchema.parse(event);
      return applyCallEvent(call, toCallEvent(wire), eventIdentity(kind, wire));
    }
    case "events/summary": {
      const wire = eventSchema("events/summary").parse(event);
      return applySummary(call, toCallSummary(wire), eventIdentity(kind, wire));
    }
    case "events/recording": {
      const wire = eventSchema("events/recording").parse(event);
      return applyRecording(call, toRecordingEvent(wire), eventIdentity(kind, wire));
    }
  }
}

/**
 * Folds one verified MANGO event into its call (by entry_id), under a row lock so concurrent events of
 * the same call apply one after another. Returns the call and whether this event finished it.
 */
export async function assembleCallEvent(
  db: Db,
  { tenantId, kind, event }: { tenantId: string; kind: CallEventKind; event: Record<string, unknown> },
): Promise<{ call: CallRow; finishedNow: boolean } | null> {
  const entryId = typeof event.entry_id === "string" ? event.entry_id : null;
  if (!entryId) return null; // a recording without entry_id cannot be placed (it may come with record/added)
  return db.transaction(async (tx) => {
    await tx.insert(calls).values({ tenantId, entryId }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, tenantId), eq(calls.entryId, entryId)))
      .for("update");
    // The reducer works with the whole number; it is stored masked and sealed (./phone.ts).
    const before = openAssembled(row!);
    const after = reduce(before, kind, event);
    if (after === before) return { call: row!, finishedNow: false };
    const saved = await saveAssembled(tx as unknown as Db, row!, before, after);
    return { call: saved, finishedNow: before.stage !== "finished" && after.stage === "finished" };
  });
}

/** The call of this MANGO entry, if any event of it was assembled. */
export async function findCallByEntry(db: Db, { tenantId, entryId }: { tenantId: string; entryId: string }) {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.entryId, entryId)));
  return row ?? null;
}

/** The row as the reducers see it: the number whole. */
export const openAssembled = (row: CallRow) => toAssembled(withOpenPhone(row));

/** Writes the reducers' result over the locked row: the number masked and sealed (./phone.ts). */
export async function saveAssembled(
  tx: Db,
  row: CallRow,
  before: AssembledCall,
  after: AssembledCall,
): Promise<CallRow> {
  const phone =
    after.clientPhone === before.clientPhone && row.clientPhoneSealed
      ? {}
      : sealCallPhone(row, after.clientPhone);
  const [saved] = await tx
    .update(calls)
    .set({ ...after, clientPhone: row.clientPhone, ...phone, updatedAt: sql`now()` })
    .where(and(eq(calls.tenantId, row.tenantId), eq(calls.id, row.id)))
    .returning();
  return saved!;
}

export async function listRecentCalls(
  db: Db,
  { tenantId, limit = 50 }: { tenantId: string; limit?: number },
) {
  return db
    .select()
    .from(calls)
    .where(eq(calls.tenantId, tenantId))
    .orderBy(desc(calls.startedAt))
    .limit(limit);
}
