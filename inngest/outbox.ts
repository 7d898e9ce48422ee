import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobRuns } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { insertJobRun, resetFailedRun } from "@/server/jobs/runs";
import { logger } from "@/server/log/logger";
import { type InngestClient, jobEventName } from "./client";

type OutboxRow = {
  id: string;
  tenantId: string | null;
  jobId: string;
  payload: unknown;
  updatedAt: Date;
  runAt?: Date;
};

/**
 * The event id makes Inngest drop a duplicate send; a retry gets a new id (its reset time). A run enqueued
 * with a delay carries its time as the event's `ts`: Inngest starts a function whose event's ts is in the
 * future at that time (without it the delay was lost and the run started at once).
 */
const eventFor = (row: OutboxRow) => ({
  id: `${row.id}:${row.updatedAt.getTime()}`,
  name: jobEventName(row.jobId),
  data: { runId: row.id, tenantId: row.tenantId, payload: row.payload },
  ...(row.runAt && row.runAt.getTime() > Date.now() ? { ts: row.runAt.getTime() } : {}),
});

async function dispatch(db: Db, inngest: InngestClient, row: OutboxRow): Promise<boolean> {
  try {
    await inngest.send(eventFor(row));
  } catch (err) {
    // Kept: dispatched_at stays null and the sweeper sends it again.
    logger.warn({ runId: row.id, err: String(err) }, "inngest unreachable; job kept in outbox");
    return false;
  }
  await db.update(jobRuns).set({ dispatchedAt: new Date() }).where(eq(jobRuns.id, row.id));
  return true;
}

/**
 * Marks sent runs dispatched, coalescing the marks of one turn of the event loop into one UPDATE: a burst
 * of webhooks costs one statement for all their marks, not one each.
 */
function dispatchMarks(db: Db) {
  let pending: string[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const ids = pending;
    pending = [];
    await db.update(jobRuns).set({ dispatchedAt: new Date() }).where(inArray(jobRuns.id, ids));
  };
  return (id: string) => {
    pending.push(id);
    if (scheduled) return;
    scheduled = true;
    setImmediate(
      () =>
        // Unmarked, a run is only sent again by the sweeper: Inngest drops it by its event id.
        void flush().catch((err) => logger.warn({ err: String(err) }, "outbox marks not written")),
    );
  };
}

/** Enqueue = a durable row (the outbox) + an event to Inngest; a failed send is re-sent by `sweepOutbox`. */
export function createInngestQueue(db: Db, inngest: InngestClient): JobQueue {
  const mark = dispatchMarks(db);
  return {
    driver: "inngest",
    // The webhook intake wrote the outbox row in its own statement: the send follows, off the request.
    written(run) {
      void inngest.send(eventFor(run)).then(
        () => mark(run.id),
        (err) => logger.warn({ runId: run.id, err: String(err) }, "inngest unreachable; job kept in outbox"),
      );
    },
    async enqueue(job, payload, opts) {
      const { runId, created, row } = await insertJobRun(db, job, payload, { ...opts, driver: "inngest" });
      if (!row.dispatchedAt) await dispatch(db, inngest, row);
      return { runId, created };
    },
    async retry(run) {
      const row = await resetFailedRun(db, run);
      if (!row) return false;
      await dispatch(db, inngest, row);
      return true;
    },
  };
}

/** Sends every undispatched run older than `minAgeMs`; returns how many Inngest accepted. */
export async function sweepOutbox(db: Db, inngest: InngestClient, minAgeMs = 5_000): Promise<number> {
  const rows = await db
    .select({
      id: jobRuns.id,
      tenantId: jobRuns.tenantId,
      jobId: jobRuns.jobId,
      payload: jobRuns.payload,
      updatedAt: jobRuns.updatedAt,
      runAt: jobRuns.runAt,
    })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.driver, "inngest"),
        isNull(jobRuns.dispatchedAt),
        eq(jobRuns.status, "queued"),
        lt(jobRuns.createdAt, sql`now() - make_interval(secs => ${minAgeMs / 1000})`),
        // Paused tenants' runs wait here until the tenant is active again.
        sql`(${jobRuns.tenantId} is null or exists (select 1 from tenants t where t.id = ${jobRuns.tenantId} and t.status = 'active'))`,
      ),
    )
    .limit(100);
  let sent = 0;
  for (const row of rows) if (await dispatch(db, inngest, row)) sent++;
  return sent;
}
