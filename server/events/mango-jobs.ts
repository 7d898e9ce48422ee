import { z } from "zod";
import { applyCallbackEvent } from "@/server/callbacks/events";
import { armFinishWithoutSummary, SUMMARY_QUIET_PERIOD_S } from "@/server/calls/assembly/finish-legs";
import {
  assembleCallEvent,
  CALL_EVENTS_JOB_ID,
  callEventsOrderKey,
  findCallByEntry,
  isCallEventKind,
} from "@/server/calls/assembly/store";
import { enqueueRecordingAttach, writeCallJob } from "@/server/calls/jobs";
import { defineJob } from "@/server/jobs/define";
import { markMangoEventReceived } from "@/server/onboarding/mango-connect";
import { applySmsReport } from "@/server/sms/send";
import { startCallTopics } from "@/server/topics/start";
import { readAcceptedEvent } from "@/server/webhooks/inbox";

const SUMMARY_AFTER_LEGS =
  "итоги звонка пришли после завершения по событиям — запись уточнена, в amoCRM повторно не записывается";

/** MANGO sends events/recording around the summary, in no guaranteed order. */
const LOG_CALL_DELAY_S = 15;

export const mangoEventPayload = z.object({
  inboxId: z.uuid(),
  kind: z.string(),
  /**
   * The event masked (phones, secrets): a hint for the journal. The handler reads the event as MANGO sent
   * it from the inbox row (sealed there); runs queued before that carry it whole here.
   */
  event: z.record(z.string(), z.unknown()),
  receivedAt: z.iso.datetime(),
});

/**
 * One verified MANGO event: it proves the PBX reaches us (the "events arriving" check), and call events
 * are folded into their call record (server/calls). Logging calls to amoCRM builds on that record.
 */
export const processMangoEvent = defineJob({
  id: CALL_EVENTS_JOB_ID,
  title: "Событие MANGO OFFICE",
  payload: mangoEventPayload,
  subject: (p) => p.kind,
  // One call's events run one at a time in the order we accepted them; different calls run in parallel. The
  // masked entry_id is as good a key as the real one (masking is deterministic). Events of no call (SMS
  // reports, results) keep the tenant's limit of 4. The handler writes our database only: amoCRM's limit is
  // the calls.log job's and the shared request budget's.
  orderKey: (p) =>
    isCallEventKind(p.kind) && typeof p.event.entry_id === "string" && p.event.entry_id
      ? callEventsOrderKey(p.event.entry_id)
      : undefined,
  options: { retries: 5, concurrency: { limit: 4 } },
  handler: async (p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "событие без аккаунта" };
    const sealed = await readAcceptedEvent(db, { tenantId, inboxId: p.inboxId });
    const event = sealed ? mangoEventPayload.shape.event.parse(sealed) : p.event;
    await markMangoEventReceived(db, { tenantId, at: new Date(p.receivedAt) });
    await applyCallbackEvent(db, { tenantId, kind: p.kind, event }, queue);
    if (p.kind === "result/sms" || p.kind === "events/sms") {
      const commandId = event.command_id;
      const code = Number(p.kind === "result/sms" ? event.result : event.reason);
      const matched =
        commandId !== undefined && Number.isFinite(code)
          ? await applySmsReport(db, { tenantId, kind: p.kind, commandId: String(commandId), code }, queue)
          : false;
      return { status: "done", result: { kind: p.kind, matched } };
    }
    if (p.kind === "events/record/added") {
      // The recording is stored in MANGO: a call logged without it gets its link now.
      const entryId = typeof event.entry_id === "string" ? event.entry_id : null;
      const call = entryId ? await findCallByEntry(db, { tenantId, entryId }) : null;
      const recordingId = typeof event.recording_id === "string" ? event.recording_id : null;
      const attach = call
        ? await enqueueRecordingAttach(db, queue, { tenantId, callId: call.id, recordingId })
        : false;
      return { status: "done", result: { kind: p.kind, ...(attach ? { recording: "attaching" } : {}) } };
    }
    if (!isCallEventKind(p.kind)) return { status: "done", result: { kind: p.kind } };
    const assembled = await assembleCallEvent(db, { tenantId, kind: p.kind, event });
    if (!assembled) return { status: "skipped", reason: "событие без entry_id не относится к звонку" };
    // The summary finished the call: log it to amoCRM once, a little later so a recording event racing the
    // summary is in the row when the log job reads it. A retried summary enqueues again (its first attempt
    // may have stopped between assembling and enqueuing); the idempotency key makes that a no-op otherwise.
    const finished =
      assembled.finishedNow || (p.kind === "events/summary" && assembled.call.stage === "finished");
    if (finished)
      await queue.enqueue(
        writeCallJob,
        { callId: assembled.call.id },
        {
          tenantId,
          idempotencyKey: `call:${assembled.call.id}`,
          delaySeconds: LOG_CALL_DELAY_S,
          subjectKey: `call:${assembled.call.entryId}`,
        },
      );
    // A recording completed after the call was logged: its link goes onto the call already in amoCRM.
    const attach =
      p.kind === "events/recording" && assembled.call.stage === "finished"
        ? await enqueueRecordingAttach(db, queue, { tenantId, callId: assembled.call.id })
        : false;
    // «Сохранять в сделках тематики…»: a Contact Center call's topics are asked for from a minute on.
    const topics = finished ? await startCallTopics(db, queue, { tenantId, call: assembled.call }) : null;
    // Every leg ended and no summary yet: if none comes within the quiet period the call is finished from
    // its legs (server/calls/assembly/finish-legs.ts). A summary after that corrects the record; its log run is the
    // one already made (same key), so amoCRM gets nothing twice.
    const waitsForSummary =
      !finished && (await armFinishWithoutSummary(queue, { tenantId, call: assembled.call }));
    const reconciled = p.kind === "events/summary" && assembled.call.finishedBy === "legs";
    return {
      status: "done",
      result: {
        kind: p.kind,
        callId: assembled.call.id,
        stage: assembled.call.stage,
        finishedNow: assembled.finishedNow,
        ...(waitsForSummary ? { waitingForSummarySeconds: SUMMARY_QUIET_PERIOD_S } : {}),
        ...(reconciled ? { reconciled: SUMMARY_AFTER_LEGS } : {}),
        ...(topics?.started ? { topics: "waiting" } : {}),
        ...(attach ? { recording: "attaching" } : {}),
      },
    };
  },
});
