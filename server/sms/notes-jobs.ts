import { z } from "zod";
import type { Db } from "@/db/client";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import {
  markNotesDue,
  NotesClaimHeldError,
  notesRunQueued,
  tenantsWithOverdueNotes,
  writePendingSmsNotes,
} from "./notes";

/**
 * How long a notes run waits after the first SMS that needs it: every SMS marked meanwhile joins that run.
 * `sms.send` goes at up to 8 per second, so a window of 5 s batches up to ~40 SMS (one request per entity).
 */
export const NOTES_WINDOW_MS = 5000;

/**
 * The tenant's sent SMS as notes in amoCRM, 250 per request (notes.ts). One run at a time per tenant; a run
 * is due a window after the SMS that asked for it, and later SMS join it while it is still queued.
 */
export const writeSmsNotesJob = defineJob({
  id: "sms.notes",
  title: "Примечания об SMS в amoCRM",
  payload: z.object({}),
  options: { retries: 5, concurrency: { limit: 1 } },
  handler: async (_p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "без аккаунта" };
    try {
      return await writePendingSmsNotes(db, { tenantId });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      // A killed attempt's claim: the rows are written by a run due when it lapses, without spending this
      // run's retries on waiting (kills and amoCRM failures together could use them all up).
      if (err instanceof NotesClaimHeldError) {
        const at = err.lapsesAt.toISOString();
        await queue.enqueue(
          writeSmsNotesJob,
          {},
          {
            tenantId,
            idempotencyKey: `sms-notes-claim:${tenantId}:${at}`,
            delaySeconds: Math.max(1, (err.lapsesAt.getTime() - Date.now()) / 1000 + 1),
          },
        );
        return { status: "done", result: { noted: err.noted, waitingForClaimUntil: at } };
      }
      throw err;
    }
  },
});

/**
 * Leftovers (a window's run that failed for good, a tenant paused meanwhile): every 5 minutes. Only active
 * tenants, and not one whose notes run is still queued (it will see the rows): otherwise a tenant paused
 * for a week would pile up a run per sweep, ~2,000 of them, all parked until it reconnects.
 */
export const sweepSmsNotesJob = defineJob({
  id: "sms.notes-sweep",
  title: "Поиск SMS без примечаний в amoCRM",
  payload: z.object({}),
  options: { cron: "*/5 * * * *", retries: 1 },
  handler: async (_p, { db, queue, runId }) => {
    const tenants = await tenantsWithOverdueNotes(db, { olderThanMs: 60_000 });
    let enqueued = 0;
    for (const tenantId of tenants) {
      if (await notesRunQueued(db, { tenantId, jobId: writeSmsNotesJob.id })) continue;
      await queue.enqueue(writeSmsNotesJob, {}, { tenantId, idempotencyKey: `sms-notes-sweep:${runId}` });
      enqueued++;
    }
    return { status: "done", result: { tenants: tenants.length, enqueued } };
  },
});

/**
 * Marks a sent SMS for its notes and makes sure a notes run will pick it up: a run still queued for the
 * tenant will (the row is marked before it is looked for, and a queued run claims rows only once it
 * starts); otherwise a new one is enqueued, due at the end of the window. Two SMS racing here may both
 * enqueue one: the second run finds less or nothing, which is harmless.
 */
export async function queueSmsNotes(db: Db, queue: JobQueue, row: { tenantId: string; id: string }) {
  await markNotesDue(db, row);
  await ensureSmsNotesRun(db, queue, row);
}

/**
 * A notes run that will see this already marked row: the queued one, or a new one keyed by the row (the
 * send job and MANGO's report for the same SMS ask with the same key, so at most one comes of it).
 */
export async function ensureSmsNotesRun(db: Db, queue: JobQueue, row: { tenantId: string; id: string }) {
  if (await notesRunQueued(db, { tenantId: row.tenantId, jobId: writeSmsNotesJob.id })) return;
  await queue.enqueue(
    writeSmsNotesJob,
    {},
    { tenantId: row.tenantId, idempotencyKey: `sms-notes:${row.id}`, delaySeconds: NOTES_WINDOW_MS / 1000 },
  );
}
