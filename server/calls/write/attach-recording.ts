// A recording that completed after its call was logged (issue 15 "late recordings"): its link is added to the
// call already in amoCRM, once. amoCRM keeps a logged call as a call note (POST /api/v4/calls makes one too),
// so the note carrying our `uniq` is changed in place (PATCH /api/v4/{entity}/notes, reference §6.7).
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callLogs, calls } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import type { NoteEntity, NoteType } from "@/server/amocrm/requests";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { type JobOutcome, NonRetriableError } from "@/server/jobs/define";
import { recordingLinkUrl } from "@/server/recordings/link";
import { getTenant } from "@/server/tenancy/queries";
import { saveRecordingAttached } from "./steps";

const skipped = (reason: string): JobOutcome => ({ status: "skipped", reason });
const CALL_NOTE_TYPES: NoteType[] = ["call_in", "call_out"];

/** The calls API names the entity in the singular (`lead`), our notes in the plural. */
function noteEntityOf(type: string | null): NoteEntity | null {
  if (type === "lead" || type === "leads") return "leads";
  if (type === "contact" || type === "contacts") return "contacts";
  if (type === "company" || type === "companies") return "companies";
  if (type === "customer" || type === "customers") return "customers";
  return null;
}

async function callAndLog(db: Db, { tenantId, callId }: { tenantId: string; callId: string }) {
  const [row] = await db
    .select({ call: calls, log: callLogs })
    .from(calls)
    .leftJoin(callLogs, and(eq(callLogs.tenantId, calls.tenantId), eq(callLogs.callId, calls.id)))
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, callId)));
  return row ?? null;
}

/**
 * The recording a logged call still lacks the link of, or null: the call is not logged yet (its log will
 * carry the recording, or runs this check when done), was not written to amoCRM, or already has one.
 * `hint`: a recording named by an event (events/record/added) the call row may not hold yet.
 */
export async function recordingToAttach(
  db: Db,
  { tenantId, callId, hint }: { tenantId: string; callId: string; hint?: string | null },
): Promise<{ recordingId: string; entryId: string } | null> {
  const row = await callAndLog(db, { tenantId, callId });
  const log = row?.log;
  if (!row || !log || log.state !== "done" || !log.loggedAt || !log.loggedVia || log.recordingAttachedAt)
    return null;
  const recordingId = (row.call.recordingIds as string[])[0] ?? hint ?? null;
  return recordingId ? { recordingId, entryId: row.call.entryId } : null;
}

/** Where the logged call's note can be: the entity amoCRM named, else the client's deal and contact. */
function placesOf(log: typeof callLogs.$inferSelect): [NoteEntity, number][] {
  const entity = noteEntityOf(log.loggedEntityType);
  if (entity && log.loggedEntityId) return [[entity, log.loggedEntityId]];
  const places: [NoteEntity, number][] = [];
  if (log.leadId) places.push(["leads", log.leadId]);
  if (log.contactId) places.push(["contacts", log.contactId]);
  return places;
}

async function findCallNote(amo: AmocrmClient, places: [NoteEntity, number][], entryId: string) {
  for (const [entity, entityId] of places) {
    const notes = await amo.listEntityNotes(entity, entityId, { noteTypes: CALL_NOTE_TYPES });
    const note = notes.find((n) => n.params?.uniq === entryId);
    if (note) return { entity, note };
  }
  return null;
}

export async function attachRecordingToLoggedCall(
  db: Db,
  { tenantId, callId, recordingId: hint }: { tenantId: string; callId: string; recordingId?: string },
): Promise<JobOutcome> {
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return skipped("аккаунт не найден");
  const row = await callAndLog(db, { tenantId, callId });
  if (!row) return skipped("звонок не найден");
  const log = row.log;
  if (log?.recordingAttachedAt) return skipped("запись разговора уже прикреплена к звонку в amoCRM");
  if (log?.state !== "done" || !log.loggedAt) return skipped("звонок ещё не записан в amoCRM");
  if (!log.loggedVia) return skipped("звонок не записан в amoCRM — прикрепить запись не к чему");
  const recordingId = (row.call.recordingIds as string[])[0] ?? hint;
  if (!recordingId) return skipped("у звонка нет записи разговора");

  const amo = amocrmClientFor(db, tenant);
  const found = await findCallNote(amo, placesOf(log), row.call.entryId);
  if (!found) throw new NonRetriableError("звонок не найден в amoCRM — запись разговора не прикреплена");
  const link = recordingLinkUrl(tenantId, recordingId);
  const { entity, note } = found;
  // PATCH repeats harmlessly (the same link again), so a run retried after a lost answer may send it again.
  await amo.updateNotes(entity, [
    { id: note.id, note_type: note.note_type as NoteType, params: { ...(note.params ?? {}), link } },
  ]);
  await saveRecordingAttached(db, { tenantId, callId, recordingId });
  return { status: "done", result: { callId, noteId: note.id, entity, recordingId } };
}
