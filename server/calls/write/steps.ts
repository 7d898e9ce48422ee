// The idempotency record of `calls.log` (table call_logs): each side effect in amoCRM is written here as
// soon as amoCRM accepted it, so a retried run (a 5xx on the next step, a crashed worker) resumes after
// the last accepted step instead of creating the contact, the deal, the call or the task again.
//
// A request amoCRM may have processed without our learning it (a timeout, a lost answer, a crash before
// the answer is stored): for the client step the per-number lock and the phone search cover it (the retry
// finds the contact it created); for the call, `log_attempted_at` is stamped before the write, and a run
// that finds it set without `logged_at` first looks for the call among the entity's call notes, which carry
// our `uniq` (the entry id). The task carries no id of ours, so for it the window remains.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { type CallLogRow, callLogs } from "@/db/schema";
import type { CallClient } from "./contacts";
import type { ClientPlan } from "./decide";

export type LoggedCall = {
  /** `found`: an earlier run's write whose answer was lost, found among the entity's call notes. */
  via: "calls_api" | "note" | "found";
  id: number | null;
  /** Where amoCRM put it (the calls API answers null when it does not say). */
  entityType: string | null;
  entityId: number | null;
};

const key = (tenantId: string, callId: string) =>
  and(eq(callLogs.tenantId, tenantId), eq(callLogs.callId, callId));

/** The call's record, created on the first run. */
export async function openCallLog(
  db: Db,
  { tenantId, callId }: { tenantId: string; callId: string },
): Promise<CallLogRow> {
  await db.insert(callLogs).values({ tenantId, callId }).onConflictDoNothing();
  const [row] = await db.select().from(callLogs).where(key(tenantId, callId));
  return row!;
}

/** The part of CallClient that has no column of its own. */
const storedClientSchema = z.object({
  contactResponsibleId: z.number().nullable(),
  matches: z.number(),
  plan: z.custom<ClientPlan>((v) => typeof v === "object" && v !== null && "kind" in v),
});

/** The client an earlier run resolved (and possibly created), or null when that step is still to do. */
export function storedClient(row: CallLogRow): CallClient | null {
  if (!row.clientResolvedAt) return null;
  const rest = storedClientSchema.safeParse(row.client);
  if (!rest.success) return null;
  return {
    ...rest.data,
    contactId: row.contactId,
    leadId: row.leadId,
    createdContact: row.createdContact,
    createdLead: row.createdLead,
  };
}

/**
 * Runs while the per-number lease is held (contacts.ts) and commits before it is given back: the next call
 * from the same number and a retry of this one both see it.
 */
export async function saveClientStep(
  db: Db,
  { tenantId, callId, client }: { tenantId: string; callId: string; client: CallClient },
) {
  await db
    .update(callLogs)
    .set({
      clientResolvedAt: sql`now()`,
      contactId: client.contactId,
      leadId: client.leadId,
      createdContact: client.createdContact,
      createdLead: client.createdLead,
      client: {
        contactResponsibleId: client.contactResponsibleId,
        matches: client.matches,
        plan: client.plan,
      },
    })
    .where(key(tenantId, callId));
}

export function storedLogged(row: CallLogRow): LoggedCall | null {
  if (!row.loggedAt || !row.loggedVia) return null;
  return {
    via: row.loggedVia === "note" || row.loggedVia === "found" ? row.loggedVia : "calls_api",
    id: row.loggedVia === "calls_api" ? row.amoCallId : row.amoNoteId,
    entityType: row.loggedEntityType,
    entityId: row.loggedEntityId,
  };
}

/** The call step is done: logged (through the calls API or as a note) or, without a contact, nothing. */
export async function saveLoggedStep(
  db: Db,
  {
    tenantId,
    callId,
    logged,
    recordingId = null,
  }: {
    tenantId: string;
    callId: string;
    logged: LoggedCall | null;
    /** The recording whose link the call was written with. */
    recordingId?: string | null;
  },
) {
  await db
    .update(callLogs)
    .set({
      ...(recordingId ? { recordingAttachedAt: sql`now()`, recordingId } : {}),
      loggedAt: sql`now()`,
      loggedVia: logged?.via ?? null,
      amoCallId: logged?.via === "calls_api" ? logged.id : null,
      amoNoteId: logged && logged.via !== "calls_api" ? logged.id : null,
      loggedEntityType: logged?.entityType ?? null,
      loggedEntityId: logged?.entityId ?? null,
    })
    .where(key(tenantId, callId));
}

/** Before the call's write is sent: from now on until `saveLoggedStep`, its outcome is unknown. */
export async function markLogAttempt(db: Db, { tenantId, callId }: { tenantId: string; callId: string }) {
  await db.update(callLogs).set({ logAttemptedAt: sql`now()` }).where(key(tenantId, callId));
}

/** Before the missed-call task's write is sent: from now on until `saveTaskStep`, its outcome is unknown. */
export async function markTaskAttempt(db: Db, { tenantId, callId }: { tenantId: string; callId: string }) {
  await db.update(callLogs).set({ taskAttemptedAt: sql`now()` }).where(key(tenantId, callId));
}

export async function saveTaskStep(
  db: Db,
  { tenantId, callId, taskId }: { tenantId: string; callId: string; taskId: number | null },
) {
  await db.update(callLogs).set({ taskDoneAt: sql`now()`, taskId }).where(key(tenantId, callId));
}

/** `unattributed`: no extension of the call is paired and «Сохранять все звонки» is off. */
export type SkipKind = "unattributed";

/** The run's final state and, when skipped or partly written, why (the same text as the journal's). */
export async function finishCallLog(
  db: Db,
  {
    tenantId,
    callId,
    state,
    reason,
    skipKind = null,
  }: {
    tenantId: string;
    callId: string;
    state: "done" | "skipped";
    reason: string | null;
    /** A skip code would find again (`unattributed`); cleared by any other outcome. */
    skipKind?: SkipKind | null;
  },
) {
  await db.update(callLogs).set({ state, reason, skipKind }).where(key(tenantId, callId));
}

/** The recording's link is on the logged call in amoCRM (added after the call was logged). */
export async function saveRecordingAttached(
  db: Db,
  { tenantId, callId, recordingId }: { tenantId: string; callId: string; recordingId: string },
) {
  await db
    .update(callLogs)
    .set({ recordingAttachedAt: sql`now()`, recordingId })
    .where(key(tenantId, callId));
}
