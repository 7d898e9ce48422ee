import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { callbackQueue } from "@/db/schema";
import { defineJob, NonRetriableError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { type DispatchResult, dispatchDue } from "./dispatch";
import type { MangoForTenant } from "./dispatch-send";
import { enqueueCallbackOutcome } from "./outcome-job";
import { pendingSlot } from "./pacing";
import { queuedCount } from "./queue-view";

/**
 * The tick is armed this much before its moment and waits the rest in the run: the local driver polls
 * every JOBS_POLL_MS (1 s by default) and claims a run only once it is due, so a run armed for the moment
 * itself would dial up to a poll interval late; armed early it dials on time (±1 s spacing is the target).
 */
export const ARM_LEAD_MS = 1_500;

/** A run hands over to a fresh one after this, so a fast rate never keeps one run (and its lease) forever. */
const RUN_BUDGET_MS = 20_000;

/** Decisions per run at most (each dials or settles at least one item). */
const MAX_DECISIONS_PER_RUN = 200;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** The run of one moment: any number of instances or duplicate ticks arming the same moment make one run. */
export const dispatchKey = (tenantId: string, at: Date) =>
  `callbacks.dispatch:${tenantId}:${at.toISOString()}`;

const payloadSchema = z.object({
  /** The moment this run is for (a slot, a window opening, a wake-up); absent: now. */
  at: z.iso.datetime().optional(),
});

/**
 * The tick job's definition; `mango` replaces the tenant's MANGO client (the bench counts commands with a
 * stub). Same id either way: a run enqueued by one is executed by whichever the worker lists.
 */
export const dispatchJobWith = (o: { mango?: MangoForTenant } = {}) =>
  defineJob({
    id: "callbacks.dispatch",
    title: "Автоперезвон: набор очереди",
    payload: payloadSchema,
    // One journal group per day of ticks (a run per slot would be thousands of rows a day).
    subjectKey: (p) => (p.at ? `callbacks.dispatch:${p.at.slice(0, 10)}` : undefined),
    options: { retries: 4 },
    async handler(payload, ctx) {
      if (!ctx.tenantId) throw new NonRetriableError("Автоперезвон: у запуска нет аккаунта");
      const tenantId = ctx.tenantId;
      const started = Date.now();
      // Armed early on purpose (ARM_LEAD_MS): wait for the moment, so that this run never decides — and
      // never ends — before it. A wake-up then never finds the key of a moment whose run already gave up.
      const early = payload.at ? new Date(payload.at).getTime() - started : 0;
      if (early > RUN_BUDGET_MS) {
        // Started far too early (a driver that does not delay): hand over to a run of its own for the moment.
        await armDispatcher(ctx.queue, { tenantId, at: new Date(payload.at!), runId: ctx.runId, own: true });
        return { status: "skipped", reason: "Автоперезвон: запуск раньше своего времени, перенесён" };
      }
      if (early > 0) await sleep(early);
      let dialed = 0;
      let settled = 0;
      let last: DispatchResult | null = null;
      for (let i = 0; i < MAX_DECISIONS_PER_RUN; i++) {
        last = await dispatchDue(ctx.db, { tenantId, now: new Date(), mango: o.mango });
        if (last.dialed) dialed++;
        settled += last.settled.length;
        await outcomesOfFailures(ctx.db, ctx.queue, tenantId, last);
        if (last.dialed || last.settled.length > 0) continue;
        if (!last.nextAt) break;
        const wait = last.nextAt.getTime() - Date.now();
        // Close enough (the rate is fast): wait here, on time, instead of a run per slot.
        if (wait <= ARM_LEAD_MS && Date.now() + wait - started < RUN_BUDGET_MS) {
          await sleep(wait);
          continue;
        }
        await armDispatcher(ctx.queue, { tenantId, at: last.nextAt, runId: ctx.runId });
        break;
      }
      return {
        status: "done",
        result: {
          dialed,
          settled,
          waiting: last?.waiting ?? null,
          next: last?.nextAt?.toISOString() ?? null,
        },
      };
    },
  });

export const callbackDispatchJob = dispatchJobWith();

/**
 * Items this decision failed without a call (MANGO refused the command, a target that cannot be dialed)
 * get their consequences now — the task and the failure stage — rather than at the next sweep.
 */
async function outcomesOfFailures(db: Db, queue: JobQueue, tenantId: string, r: DispatchResult) {
  const ids = [
    ...(r.dialed && r.dialed.sent !== "accepted" ? [r.dialed.itemId] : []),
    ...r.settled.filter((x) => x.state === "failed").map((x) => x.itemId),
  ];
  if (ids.length === 0) return;
  const failed = await db
    .select({ id: callbackQueue.id, leadId: callbackQueue.leadId })
    .from(callbackQueue)
    .where(
      and(
        eq(callbackQueue.tenantId, tenantId),
        inArray(callbackQueue.id, ids),
        eq(callbackQueue.state, "failed"),
      ),
    );
  for (const item of failed) await enqueueCallbackOutcome(queue, { tenantId, ...item });
}

/**
 * Enqueues the tick of the moment `at` (armed ARM_LEAD_MS early), keyed by that moment: any number of
 * instances, duplicate ticks and wake-ups arming the same moment make one run. A run that finds the key
 * taken by itself (`own`, or a moment equal to its own) arms a key of its own, so the chain never ends
 * while items wait.
 */
async function armDispatcher(
  queue: JobQueue,
  { tenantId, at, runId, own = false }: { tenantId: string; at: Date; runId?: string; own?: boolean },
): Promise<void> {
  const delaySeconds = Math.max(0, (at.getTime() - Date.now() - ARM_LEAD_MS) / 1000);
  const key = dispatchKey(tenantId, at);
  const payload = { at: at.toISOString() };
  const run = own
    ? null
    : await queue.enqueue(callbackDispatchJob, payload, { tenantId, idempotencyKey: key, delaySeconds });
  if (own || (run && !run.created && run.runId === runId))
    await queue.enqueue(callbackDispatchJob, payload, {
      tenantId,
      idempotencyKey: `${key}:after:${runId}`,
      delaySeconds,
    });
}

/**
 * Tells the tenant's dispatcher there is news (items queued by a rule's action, «Позвонить сейчас», a
 * settings change, a call ended). While the schedule waits for a slot in the future and no «Позвонить
 * сейчас» item waits, the wake-up is that slot's own run (same key: usually nothing new). Otherwise it is the
 * run of the next whole second, which starts only once that second has come: every wake-up within a second
 * (500 in a row) lands in the one run, and that run sees all they queued.
 */
export async function wakeDispatcher(
  db: Db,
  queue: JobQueue,
  { tenantId, now = new Date() }: { tenantId: string; now?: Date },
): Promise<void> {
  const slot = await pendingSlot(db, { tenantId });
  if (slot && slot.getTime() > now.getTime()) {
    const callNow = await db
      .select({ id: callbackQueue.id })
      .from(callbackQueue)
      .where(
        and(
          eq(callbackQueue.tenantId, tenantId),
          eq(callbackQueue.state, "queued"),
          isNotNull(callbackQueue.callNowAt),
        ),
      )
      .limit(1);
    if (callNow.length === 0) {
      await armDispatcher(queue, { tenantId, at: slot });
      return;
    }
  }
  const second = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  await queue.enqueue(
    callbackDispatchJob,
    { at: second.toISOString() },
    {
      tenantId,
      idempotencyKey: dispatchKey(tenantId, second),
      delaySeconds: Math.max(0, (second.getTime() - now.getTime()) / 1000),
    },
  );
}

/**
 * After the settings changed: a rate set from 0, or a working-hours window opened, applies now, but the
 * dispatcher may have nothing armed. Woken only when items wait; a failed wake only delays dialling to the
 * next event, so it is reported, not thrown — the saved settings stand.
 */
export async function wakeDispatcherAfterSettings(
  db: Db,
  queue: JobQueue,
  { tenantId }: { tenantId: string },
): Promise<{ woken: boolean; error?: string }> {
  try {
    if ((await queuedCount(db, { tenantId })) === 0) return { woken: false };
    await wakeDispatcher(db, queue, { tenantId });
    return { woken: true };
  } catch (err) {
    return { woken: false, error: String(err) };
  }
}
