// Calls whose `events/summary` never comes. MANGO documents no retry of a webhook, so a lost summary would
// leave the call «в процессе» for ever and never written to amoCRM. Once every leg of a call is disconnected
// a check is armed a quiet period later, keyed by the call and its latest event: a newer event arms its own
// check and the older one finds the call moved on. A check that finds the call still unfinished and quiet
// finishes it from its legs (legs.ts) and logs it like a summary would (`calls.log`, key `call:<id>`); a
// summary coming later corrects the record and, the log's run being the same, writes nothing twice.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { type CallRow, calls, jobRuns } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { defineJob } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { orderedRunsKey } from "@/server/jobs/runs";
import { maskText } from "@/server/log/mask";
import { startCallTopics } from "@/server/topics/start";
import { allLegsDisconnected, type CallLegs, finishFromLegs } from "./legs";
import { CALL_EVENTS_JOB_ID, callEventsOrderKey, openAssembled, saveAssembled } from "./store";

/**
 * How long a call with every leg disconnected waits for its summary (or for another leg: a transfer, a
 * callback's second leg, which MANGO opens a second after the first one ends). MANGO sends the summary
 * within seconds of the last leg; three minutes leave room for its delivery retries and our queue, yet
 * put the call in amoCRM while the employee still remembers it.
 */
export const SUMMARY_QUIET_PERIOD_S = 180;

/** MANGO sends events/recording around the end of a call, in no guaranteed order (as for a summary). */
const LOG_CALL_DELAY_S = 15;

export const FINISHED_BY_LEGS = "итоги звонка от MANGO не пришли — звонок завершён по событиям";

export const finishCallPayload = z.object({
  callId: z.uuid(),
  /** How many events the call had when the check was armed: more now means one came since. */
  events: z.number().int().nonnegative(),
});

/** After an event: arms the call's check when every leg is disconnected and no summary finished it. */
export async function armFinishWithoutSummary(
  queue: JobQueue,
  { tenantId, call }: { tenantId: string; call: CallRow },
): Promise<boolean> {
  if (call.stage === "finished" || !allLegsDisconnected(call.legs as CallLegs)) return false;
  const events = (call.appliedEvents as string[]).length;
  await queue.enqueue(
    finishCallWithoutSummary,
    { callId: call.id, events },
    {
      tenantId,
      idempotencyKey: `call-quiet:${call.id}:${events}`,
      delaySeconds: SUMMARY_QUIET_PERIOD_S,
      subjectKey: `call:${call.entryId}`,
    },
  );
  return true;
}

type FinishOutcome = { finished: CallRow } | { skip: string };

/** Under the call's row lock, so an event folded at the same moment either came first or sees it finished. */
export async function finishCallFromLegs(
  db: Db,
  { tenantId, callId, events }: { tenantId: string; callId: string; events: number },
): Promise<FinishOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, tenantId), eq(calls.id, callId)))
      .for("update");
    if (!row) return { skip: "звонок не найден" };
    if (row.stage === "finished") return { skip: "звонок уже завершён" };
    if ((row.appliedEvents as string[]).length !== events)
      return { skip: "после отбоя пришли новые события звонка — ждём их" };
    if (!allLegsDisconnected(row.legs as CallLegs)) return { skip: "звонок ещё идёт" };
    // An event MANGO delivered but our queue has not folded in yet is an event within the quiet period too;
    // it arms its own check once folded.
    const keys = [...new Set([row.entryId, maskText(row.entryId)])].map((id) =>
      orderedRunsKey(CALL_EVENTS_JOB_ID, tenantId, callEventsOrderKey(id)),
    );
    const [waiting] = await tx
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(
        and(
          eq(jobRuns.tenantId, tenantId),
          inArray(jobRuns.concurrencyKey, keys),
          inArray(jobRuns.status, ["queued", "running"]),
        ),
      )
      .limit(1);
    if (waiting) return { skip: "события звонка ещё в очереди — ждём их" };
    const before = openAssembled(row);
    const after = { ...finishFromLegs(before, before.legs), finishedBy: "legs" as const };
    return { finished: await saveAssembled(tx as unknown as Db, row, before, after) };
  });
}

export const finishCallWithoutSummary = defineJob({
  id: "calls.finish-without-summary",
  title: "Завершение звонка без итогов MANGO",
  payload: finishCallPayload,
  options: { retries: 5 },
  handler: async (p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "звонок без аккаунта" };
    const outcome = await finishCallFromLegs(db, { tenantId, ...p });
    // Almost every call ends with its summary within the quiet period: that is no problem for the journal,
    // only nothing left to do.
    if ("skip" in outcome) return { status: "done", result: { nothingToDo: outcome.skip } };
    const call = outcome.finished;
    await queue.enqueue(
      writeCallJob,
      { callId: call.id },
      {
        tenantId,
        idempotencyKey: `call:${call.id}`,
        delaySeconds: LOG_CALL_DELAY_S,
        subjectKey: `call:${call.entryId}`,
      },
    );
    const topics = await startCallTopics(db, queue, { tenantId, call });
    return {
      status: "done",
      result: {
        outcome: FINISHED_BY_LEGS,
        callId: call.id,
        finishedBy: "legs",
        direction: call.direction,
        answeredExtension: call.answeredExtension,
        talkSeconds: call.talkSeconds,
        ...(topics.started ? { topics: "waiting" } : {}),
      },
    };
  },
});
