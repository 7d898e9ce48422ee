// Writes one finished call to amoCRM (issue 6 "Logging"): the client found or created per the settings,
// the call through POST /api/v4/calls, a task for a missed incoming call. The call row is the truth; the
// job payload only names it.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallRow, calls, employeeLinks, mangoEmployees } from "@/db/schema";
import { AmocrmApiError, type AmocrmClient } from "@/server/amocrm";
import { type CallCreate, type CallDetails, callCreate, callNote } from "@/server/amocrm/requests";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import type { JobOutcome } from "@/server/jobs/define";
import { getEffectiveSettings } from "@/server/settings/queries";
import { getTenant } from "@/server/tenancy/queries";
import { type CallClient, resolveCallClient } from "./contacts";
import {
  callResultOf,
  callStatusOf,
  chooseResponsible,
  employeeExtensions,
  newClientName,
  planClient,
  skipReason,
  wantsMissedTask,
} from "./log-decide";

/** The source amoCRM shows on the call. */
export const CALL_SOURCE = "Amango";
/** A recording link in amoCRM must outlive the call by far; MANGO signs it with its expiry (mango-api.md §2.12). */
const RECORDING_LINK_TTL_S = 365 * 24 * 3600;
/** A missed-call task is due within the hour. */
const MISSED_TASK_DUE_S = 3600;
const TASK_TYPE_CALL = 1;

const skipped = (reason: string): JobOutcome => ({ status: "skipped", reason });

/** amoCRM users mapped to these extensions (employees still in the PBX). */
async function usersOfExtensions(db: Db, tenantId: string, extensions: string[]) {
  if (extensions.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ extension: mangoEmployees.extension, amoUserId: employeeLinks.amoUserId })
    .from(employeeLinks)
    .innerJoin(
      mangoEmployees,
      and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, employeeLinks.mangoEmployeeId)),
    )
    .where(
      and(
        eq(employeeLinks.tenantId, tenantId),
        eq(mangoEmployees.isPresent, true),
        inArray(mangoEmployees.extension, extensions),
      ),
    );
  return new Map(rows.map((r) => [r.extension ?? "", r.amoUserId]));
}

/** A signed MANGO link that plays the recording; none when MANGO is not connected. */
async function mangoRecordingLink(db: Db, tenantId: string, recordingId: string, now: Date) {
  try {
    const mango = await mangoClientFor(db, { tenantId });
    return mango.recordingLink(recordingId, Math.floor(now.getTime() / 1000) + RECORDING_LINK_TTL_S, "play");
  } catch (err) {
    if (err instanceof MangoNotConnectedError) return null; // still worth logging without the recording
    throw err;
  }
}

export async function logCallToAmocrm(
  db: Db,
  { tenantId, callId }: { tenantId: string; callId: string },
  { now = new Date() }: { now?: Date } = {},
): Promise<JobOutcome> {
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return skipped("аккаунт не найден");
  const [call] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, callId)));
  if (!call) return skipped("звонок не найден");
  const settings = await getEffectiveSettings(db, { tenantId });
  const reason = skipReason(call, settings);
  if (reason) return skipped(reason);
  if (call.ccTaskId !== null && !settings.extra.contactCenter.enabled)
    return skipped("звонок кампании Контакт-центра, а «Интеграция с Контакт-центром» выключена");
  const extensions = employeeExtensions(call);
  const responsible = chooseResponsible(
    extensions,
    await usersOfExtensions(db, tenantId, extensions),
    settings,
  );
  if ("skip" in responsible) return skipped(responsible.skip);
  const phone = call.clientPhone!;

  const client = await resolveCallClient(db, {
    tenantId,
    phone,
    responsibleUserId: responsible.userId,
    contactName: newClientName(call.startedAt ?? now),
    decide: (known) => planClient(call, settings, known),
    // The locked section hands in its transaction: the client reads its token through it.
    clientFor: (d) => amocrmClientFor(d, tenant),
  });
  const amo = amocrmClientFor(db, tenant);
  const recordingId = (call.recordingIds as string[])[0];
  const link = recordingId ? await mangoRecordingLink(db, tenantId, recordingId, now) : null;
  const logged = client.contactId
    ? await writeCall(amo, call, client, { userId: responsible.userId, link })
    : null;
  const task = wantsMissedTask(call, settings)
    ? await createMissedTask(amo, {
        phone,
        client,
        userId:
          settings.calls.missedTasks.responsibleUserId ?? client.contactResponsibleId ?? responsible.userId,
        now,
      })
    : null;
  const result = {
    callId,
    responsibleUserId: responsible.userId,
    responsibleVia: responsible.via,
    contactId: client.contactId,
    leadId: client.leadId,
    createdContact: client.createdContact,
    createdLead: client.createdLead,
    duplicates: client.matches,
    logged,
    ...(logged
      ? {}
      : { notLogged: client.plan.kind === "nothing" ? client.plan.reason : "контакт не найден" }),
    taskId: task,
  };
  if (!logged && task === null)
    return skipped(client.plan.kind === "nothing" ? client.plan.reason : "контакт для звонка не найден");
  return { status: "done", result };
}

/**
 * POST /api/v4/calls links the call itself (by the number's last 10 digits, to the contact or its only
 * open deal). When the number has duplicates amoCRM may pick another one than the first-created, and when
 * it finds none (its search can lag behind a contact created a moment ago) it refuses the call: then the
 * same call is written as a call note on the entity we chose.
 */
async function writeCall(
  amo: AmocrmClient,
  call: CallRow,
  client: CallClient,
  o: { userId: number; link: string | null },
) {
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
      return {
        via: "calls_api" as const,
        id: first.id,
        entityType: first.entityType,
        entityId: first.entityId,
      };
  }
  const entity = client.leadId ? ("leads" as const) : ("contacts" as const);
  const entityId = client.leadId ?? client.contactId!;
  const [note] = await amo.addNotes(entity, [callNote(entityId, details, { userId: o.userId, createdAt })]);
  return { via: "note" as const, id: note?.id ?? null, entityType: entity, entityId };
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

async function createMissedTask(
  amo: AmocrmClient,
  o: { phone: string; client: CallClient; userId: number; now: Date },
): Promise<number | null> {
  const entity = o.client.leadId
    ? { entity_type: "leads" as const, entity_id: o.client.leadId }
    : o.client.contactId
      ? { entity_type: "contacts" as const, entity_id: o.client.contactId }
      : {}; // «Только вручную» for a new number: the task still reminds someone to call back
  const [task] = await amo.createTasks([
    {
      text: `Перезвонить: пропущенный звонок с ${o.phone}`,
      complete_till: Math.floor(o.now.getTime() / 1000) + MISSED_TASK_DUE_S,
      task_type_id: TASK_TYPE_CALL,
      responsible_user_id: o.userId,
      ...entity,
    },
  ]);
  return task?.id ?? null;
}
