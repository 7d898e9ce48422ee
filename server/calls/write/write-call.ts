// Writes one finished call to amoCRM (issue 6 "Logging"): the client found or created per the settings,
// the call through POST /api/v4/calls, a task for a missed incoming call. The call row is the truth; the
// job payload only names it. Every step is recorded in call_logs once amoCRM accepted it (log-steps.ts),
// so a retried run picks up after the last accepted step and never repeats one.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallRow, calls, type Tenant } from "@/db/schema";
import { withOpenPhone } from "@/server/calls/phone";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { usersOfExtensions } from "@/server/employees/queries";
import type { JobOutcome } from "@/server/jobs/define";
import { recordingLinkUrl } from "@/server/recordings/link";
import { getEffectiveSettings } from "@/server/settings/queries";
import { getTenant } from "@/server/tenancy/queries";
import { campaignClientOf, ccContactFields } from "./campaign";
import { type CallClient, resolveCallClient } from "./contacts";
import {
  CC_OFF_REASON,
  type ClientPlan,
  campaignTaskOf,
  chooseResponsible,
  employeeExtensions,
  newClientName,
  planClient,
  skipReason,
  wantsMissedTask,
} from "./decide";
import { createMissedTask, findLoggedCall, findMissedTask, writeCall } from "./entries";
import {
  finishCallLog,
  type LoggedCall,
  markLogAttempt,
  markTaskAttempt,
  openCallLog,
  type SkipKind,
  saveClientStep,
  saveLoggedStep,
  saveTaskStep,
  storedClient,
  storedLogged,
} from "./steps";

export { CALL_SOURCE } from "./entries";

const skipped = (reason: string): JobOutcome => ({ status: "skipped", reason });

export async function writeCallToAmocrm(
  db: Db,
  { tenantId, callId }: { tenantId: string; callId: string },
  { now = new Date() }: { now?: Date } = {},
): Promise<JobOutcome> {
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return skipped("аккаунт не найден");
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, callId)));
  if (!row) return skipped("звонок не найден");
  // The number is sealed at rest; logging needs it whole (contact search, the call entry).
  const call = withOpenPhone(row);
  const log = await openCallLog(db, { tenantId, callId });
  // A finished record means every step is in amoCRM. A skipped one wrote nothing there, so a later run
  // (re-enqueued after the settings changed) decides afresh.
  if (log.state === "done") return { status: "done", result: { callId, alreadyLogged: true } };
  // A call logged with another direction than MANGO's summary named says so in the journal, skipped or not.
  const note = call.directionNote;
  const skip = async (why: string, skipKind: SkipKind | null = null) => {
    const reason = note ? `${why}; ${note}` : why;
    await finishCallLog(db, { tenantId, callId, state: "skipped", reason, skipKind });
    return skipped(reason);
  };

  const settings = await getEffectiveSettings(db, { tenantId });
  const reason = skipReason(call, settings);
  if (reason) return skip(reason);
  // §2.4: campaign calls are logged only with «Интеграция с Контакт-центром» on; off, amoCRM is not touched.
  const campaignTask = campaignTaskOf(call);
  if (campaignTask !== null && !settings.extra.contactCenter.enabled) return skip(CC_OFF_REASON);
  const extensions = employeeExtensions(call);
  const responsible = chooseResponsible(
    extensions,
    await usersOfExtensions(db, { tenantId, extensions }),
    settings,
  );
  // «Неразобранные звонки» (server/calls/write/unattributed.ts): pairing the extension re-logs it.
  if ("skip" in responsible) return skip(responsible.skip, "unattributed");
  const phone = call.clientPhone!;
  const ids = { tenantId, callId };

  const client =
    storedClient(log) ??
    (await resolveClient(db, tenant, call, { campaignTask, userId: responsible.userId, now, settings }));
  const amo = amocrmClientFor(db, tenant);
  const logged = await once(storedLogged(log), log.loggedAt, async () => {
    // Our route, not MANGO's signed link (which carries the PBX's key): it fetches the recording when played.
    const recordingId = (call.recordingIds as string[])[0] ?? null;
    const link = recordingId ? recordingLinkUrl(tenantId, recordingId) : null;
    let result: LoggedCall | null = null;
    if (client.contactId) {
      // An earlier run sent the call and never learnt whether amoCRM stored it: look before writing again.
      result = log.logAttemptedAt ? await findLoggedCall(amo, call, client) : null;
      if (!result) {
        await markLogAttempt(db, ids);
        result = await writeCall(amo, call, client, { userId: responsible.userId, link });
      }
    }
    // A call found from an earlier attempt may lack the link; calls.attach-recording adds it then.
    const attached = result && result.via !== "found" ? recordingId : null;
    await saveLoggedStep(db, { ...ids, logged: result, recordingId: attached });
    return result;
  });
  const task = await once(log.taskId, log.taskDoneAt, async () => {
    let taskId: number | null = null;
    if (wantsMissedTask(call, settings)) {
      const task = {
        entryId: call.entryId,
        phone,
        client,
        userId:
          settings.calls.missedTasks.responsibleUserId ?? client.contactResponsibleId ?? responsible.userId,
        now,
      };
      // An earlier run sent the task and never learnt whether amoCRM stored it: look before writing again.
      taskId = log.taskAttemptedAt
        ? await findMissedTask(amo, { ...task, attemptedAt: log.taskAttemptedAt })
        : null;
      if (taskId === null) {
        await markTaskAttempt(db, ids);
        taskId = await createMissedTask(amo, task);
      }
    }
    await saveTaskStep(db, { ...ids, taskId });
    return taskId;
  });

  const notLogged = logged ? null : notLoggedReason(client.plan);
  if (!logged && task === null) return skip(notLogged!);
  await finishCallLog(db, { tenantId, callId, state: "done", reason: notLogged });
  return {
    status: "done",
    result: {
      callId,
      responsibleUserId: responsible.userId,
      responsibleVia: responsible.via,
      contactId: client.contactId,
      leadId: client.leadId,
      createdContact: client.createdContact,
      createdLead: client.createdLead,
      duplicates: client.matches,
      campaignTaskId: campaignTask,
      logged,
      ...(notLogged ? { notLogged } : {}),
      ...(note ? { directionNote: note } : {}),
      ...((call.talkedExtensions as string[]).length > 1 ? { talked: call.talkedExtensions } : {}),
      taskId: task,
    },
  };
}

const notLoggedReason = (plan: ClientPlan) =>
  plan.kind === "nothing" ? plan.reason : "контакт для звонка не найден";

/** A step's stored outcome when an earlier run completed it (`doneAt` set), else the step run now. */
async function once<T>(stored: T, doneAt: Date | null, run: () => Promise<T>): Promise<T> {
  return doneAt ? stored : run();
}

/**
 * The client step: found or created under the per-number lease, and recorded in call_logs before the lease
 * is given back. A campaign call's new contact is named after the campaign task's client and gets the three
 * «ЦОВ» fields; both are read from MANGO before the lease (ensuring the fields takes a lease of its own).
 */
async function resolveClient(
  db: Db,
  tenant: Tenant,
  call: CallRow,
  o: {
    campaignTask: number | null;
    userId: number;
    now: Date;
    settings: Awaited<ReturnType<typeof getEffectiveSettings>>;
  },
): Promise<CallClient> {
  const campaign =
    o.campaignTask === null
      ? null
      : await campaignClientOf(db, { tenantId: tenant.id, taskId: o.campaignTask });
  const contactFields = campaign ? await ccContactFields(db, tenant, campaign) : [];
  return resolveCallClient(db, {
    tenantId: tenant.id,
    phone: call.clientPhone!,
    responsibleUserId: o.userId,
    contactName: campaign?.clientName ?? newClientName(call.startedAt ?? o.now, tenant.timeZone),
    contactFields,
    decide: (known) => planClient(call, o.settings, known),
    clientFor: (d) => amocrmClientFor(d, tenant),
    onResolved: (t, client) => saveClientStep(t, { tenantId: tenant.id, callId: call.id, client }),
  });
}
