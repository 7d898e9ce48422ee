import { z } from "zod";
import type { Db } from "@/db/client";
import { attachRecordingToLoggedCall, recordingToAttach } from "@/server/calls/write/attach-recording";
import { writeCallToAmocrm } from "@/server/calls/write/write-call";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";

export const writeCallPayload = z.object({ callId: z.uuid() });

const reconnectIsSkip = async <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
    throw err;
  }
};

/**
 * A finished call written to amoCRM. The payload is a hint: the handler re-reads the call row, so a run
 * retried after the call changed (a late recording) logs what is true then. Enqueued once per call
 * (idempotency key `call:<id>`) by the mango.event job that finished it.
 */
export const writeCallJob = defineJob({
  id: "calls.log",
  title: "Запись звонка в amoCRM",
  payload: writeCallPayload,
  // Two at a time per tenant: the amoCRM bucket (7 rps) is shared with everything else the tenant does.
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "звонок без аккаунта" };
    const outcome = await reconnectIsSkip(() => writeCallToAmocrm(db, { tenantId, callId: p.callId }));
    // A recording event assembled while this run wrote the call found the log not done yet and left it to us.
    if (outcome.status === "done") await enqueueRecordingAttach(db, queue, { tenantId, callId: p.callId });
    return outcome;
  },
});

export const attachRecordingPayload = z.object({
  callId: z.uuid(),
  /** The recording an event named (events/record/added); the call row's own is preferred. */
  recordingId: z.string().min(1).max(300).optional(),
});

/**
 * A recording that completed after its call was logged: its link added to the call in amoCRM, once
 * (`call_logs.recording_attached_at`; runs keyed `recording:<call id>`).
 */
export const attachRecording = defineJob({
  id: "calls.attach-recording",
  title: "Запись разговора к звонку в amoCRM",
  payload: attachRecordingPayload,
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId }) => {
    if (!tenantId) return { status: "skipped", reason: "звонок без аккаунта" };
    return reconnectIsSkip(() => attachRecordingToLoggedCall(db, { tenantId, ...p }));
  },
});

/** A little later than the event: the record/added of the same recording then finds the run already queued. */
const ATTACH_DELAY_S = 5;

/**
 * Enqueues the attach when the call is logged in amoCRM without its recording's link and has (or an event
 * names) a recording; otherwise nothing. Any number of events and the log run itself make one run.
 */
export async function enqueueRecordingAttach(
  db: Db,
  queue: JobQueue,
  { tenantId, callId, recordingId }: { tenantId: string; callId: string; recordingId?: string | null },
): Promise<boolean> {
  const todo = await recordingToAttach(db, { tenantId, callId, hint: recordingId });
  if (!todo) return false;
  await queue.enqueue(
    attachRecording,
    { callId, recordingId: todo.recordingId },
    {
      tenantId,
      idempotencyKey: `recording:${callId}`,
      delaySeconds: ATTACH_DELAY_S,
      subjectKey: `call:${todo.entryId}`,
    },
  );
  return true;
}
