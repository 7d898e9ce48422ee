// The two amoCRM writes of a logged call besides the client: the call itself and the missed-call task.
import type { CallRow } from "@/db/schema";
import { AmocrmApiError, type AmocrmClient } from "@/server/amocrm";
import {
  type CallCreate,
  type CallDetails,
  callCreate,
  callNote,
  type NoteEntity,
  type NoteType,
} from "@/server/amocrm/requests";
import type { CallClient } from "./contacts";
import { callResultOf, callStatusOf } from "./decide";
import type { LoggedCall } from "./steps";

/** The source amoCRM shows on the call. */
export const CALL_SOURCE = "Amango";
/** A missed-call task is due within the hour. */
const MISSED_TASK_DUE_S = 3600;
const TASK_TYPE_CALL = 1;

/**
 * POST /api/v4/calls links the call itself (by the number's last 10 digits, to the contact or its only
 * open deal). When the number has duplicates amoCRM may pick another one than the first-created, and when
 * it finds none (its search can lag behind a contact created a moment ago) it refuses the call: then the
 * same call is written as a call note on the entity we chose.
 */
export async function writeCall(
  amo: AmocrmClient,
  call: CallRow,
  client: CallClient,
  o: { userId: number; link: string | null },
): Promise<LoggedCall> {
  const details: CallDetails = {
    direction: call.direction === "incoming" ? "inbound" : "outbound",
    phone: call.clientPhone!,
    duration: call.talkSeconds,
    source: CALL_SOURCE,
    uniq: call.entryId,
    link: o.link ?? undefined,
    callResponsible: o.userId,
    callStatus: callStatusOf(call),
    callResult: callResultOf(call),
  };
  const createdAt = call.startedAt ? Math.floor(call.startedAt.getTime() / 1000) : undefined;
  if (client.matches <= 1) {
    const first = await addCallOrNothing(amo, callCreate(details, { userId: o.userId, createdAt }));
    if (first)
      return { via: "calls_api", id: first.id, entityType: first.entityType, entityId: first.entityId };
  }
  const entity = client.leadId ? ("leads" as const) : ("contacts" as const);
  const entityId = client.leadId ?? client.contactId!;
  const [note] = await amo.addNotes(entity, [callNote(entityId, details, { userId: o.userId, createdAt })]);
  return { via: "note", id: note?.id ?? null, entityType: entity, entityId };
}

const CALL_NOTE_TYPES: NoteType[] = ["call_in", "call_out"];

/**
 * The call as an earlier run may have written it when its answer never came (a POST that timed out may
 * still have been stored: amoCRM has no idempotency key). Through the calls API or as a note, amoCRM keeps
 * it as a call note with our `uniq` (the MANGO entry id) on the contact or its only open deal: those are
 * the entities this call can be on, so their call notes are read (two GETs at most), newest first.
 */
export async function findLoggedCall(
  amo: AmocrmClient,
  call: CallRow,
  client: CallClient,
): Promise<LoggedCall | null> {
  const places: [NoteEntity, number][] = [];
  if (client.leadId) places.push(["leads", client.leadId]);
  if (client.contactId) places.push(["contacts", client.contactId]);
  for (const [entity, entityId] of places) {
    const notes = await amo.listEntityNotes(entity, entityId, { noteTypes: CALL_NOTE_TYPES });
    const ours = notes.find((n) => n.params?.uniq === call.entryId);
    if (ours) return { via: "found", id: ours.id, entityType: entity, entityId };
  }
  return null;
}

/** The call logged by amoCRM, or null when it found no entity for the number (200 with errors, or 400). */
async function addCallOrNothing(amo: AmocrmClient, call: CallCreate) {
  try {
    return (await amo.addCalls([call])).logged[0] ?? null;
  } catch (err) {
    if (err instanceof AmocrmApiError && err.status === 400) return null;
    throw err;
  }
}

/**
 * What makes a missed-call task ours and this call's: amoCRM keeps no `request_id` on a task (only its create
 * answer echoes it), so the task's text carries the call's MANGO entry id, as its call note carries `uniq`.
 */
export const missedTaskMarker = (entryId: string) => `[Amango ${entryId}]`;

type MissedTask = { entryId: string; phone: string; client: CallClient | null; userId: number; now: Date };

const taskEntity = (client: CallClient | null) =>
  client?.leadId
    ? { entity_type: "leads" as const, entity_id: client.leadId }
    : client?.contactId
      ? { entity_type: "contacts" as const, entity_id: client.contactId }
      : {}; // a new number gets no contact for a missed call: the task still reminds someone to call back

export async function createMissedTask(amo: AmocrmClient, o: MissedTask): Promise<number | null> {
  const [task] = await amo.createTasks([
    {
      text: `Перезвонить: пропущенный звонок с ${o.phone} ${missedTaskMarker(o.entryId)}`,
      complete_till: Math.floor(o.now.getTime() / 1000) + MISSED_TASK_DUE_S,
      task_type_id: TASK_TYPE_CALL,
      responsible_user_id: o.userId,
      ...taskEntity(o.client),
    },
  ]);
  return task?.id ?? null;
}

/**
 * The missed-call task as an earlier run may have created it when its answer never came: call tasks of the
 * same responsible on the same entity, updated since shortly before that attempt, whose text carries our
 * marker (one GET, a few pages at most).
 */
export async function findMissedTask(
  amo: AmocrmClient,
  o: Pick<MissedTask, "entryId" | "client" | "userId"> & { attemptedAt: Date },
): Promise<number | null> {
  const entity = taskEntity(o.client);
  const marker = missedTaskMarker(o.entryId);
  const tasks = await amo.listTasks({
    taskType: TASK_TYPE_CALL,
    responsibleUserId: o.userId,
    entity:
      entity.entity_type && entity.entity_id ? { type: entity.entity_type, id: entity.entity_id } : undefined,
    updatedFrom: Math.floor(o.attemptedAt.getTime() / 1000) - 60,
  });
  return tasks.find((t) => t.text?.includes(marker))?.id ?? null;
}
