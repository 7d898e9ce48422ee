import { and, eq } from "drizzle-orm";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import { type JobRunRow, jobRuns, tenants } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { safeErrorMessage } from "@/server/log/errors";
import { loggerFor } from "@/server/log/logger";
import {
  type JobDefinition,
  type JobOutcome,
  maxAttemptsOf,
  NonRetriableError,
  SkipJobError,
} from "./define";
import type { EnqueueOptions, EnqueueResult, JobQueue } from "./queue";
import { refusalOf } from "./refusals";

/**
 * What a run row of `def` holds besides its identity: the payload validated, when it is due, its concurrency
 * key and attempts. Shared by `insertJobRun` and the webhook intake's one statement (server/webhooks/inbox.ts).
 */
export function jobRunFields<P>(
  def: JobDefinition<P>,
  payload: P,
  opts: { tenantId: string | null; delaySeconds?: number; now?: Date },
) {
  const parsed = def.payload.parse(payload);
  const runAt = new Date((opts.now ?? new Date()).getTime() + (opts.delaySeconds ?? 0) * 1000);
  const concurrencyKey = concurrencyKeyOf(def, parsed, opts.tenantId);
  return { parsed, runAt, concurrencyKey, maxAttempts: maxAttemptsOf(def as JobDefinition) };
}

/** Inserts the durable row of one job intent; a repeated idempotency key returns the first row. */
export async function insertJobRun<P>(
  db: Db,
  def: JobDefinition<P>,
  payload: P,
  opts: EnqueueOptions & { driver: "local" | "inngest"; now?: Date },
): Promise<EnqueueResult & { row: JobRunRow }> {
  const { parsed, runAt, concurrencyKey } = jobRunFields(def, payload, opts);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(jobRuns)
      .values({
        tenantId: opts.tenantId,
        jobId: def.id,
        payload: parsed as object,
        idempotencyKey: opts.idempotencyKey,
        driver: opts.driver,
        maxAttempts: maxAttemptsOf(def as JobDefinition),
        runAt,
        concurrencyKey,
      })
      .onConflictDoNothing()
      .returning();
    if (created) {
      await recordActivity(tx as unknown as Db, {
        tenantId: opts.tenantId,
        source: "job",
        sourceId: created.id,
        kind: def.id,
        status: "queued",
        subject: def.subject?.(parsed) ?? null,
        subjectKey: opts.subjectKey ?? def.subjectKey?.(parsed) ?? null,
        payload: parsed,
      });
      return { runId: created.id, created: true, row: created };
    }
    const [existing] = await tx
      .select()
      .from(jobRuns)
      .where(
        and(
          opts.tenantId ? eq(jobRuns.tenantId, opts.tenantId) : undefined,
          eq(jobRuns.jobId, def.id),
          eq(jobRuns.idempotencyKey, opts.idempotencyKey),
        ),
      );
    return { runId: existing!.id, created: false, row: existing! };
  });
}

/** Marks a key whose runs go one at a time in enqueue order (`JobDefinition.orderKey`); see claim.ts. */
export const ORDERED_KEY_PREFIX = "order:";

/** The concurrency key of a definition's runs with this order key (to look for a key's open runs). */
export const orderedRunsKey = (jobId: string, tenantId: string | null, order: string) =>
  `${ORDERED_KEY_PREFIX}${jobId}:${tenantId ?? "*"}:${order}`;

function concurrencyKeyOf<P>(def: JobDefinition<P>, payload: P, tenantId: string | null): string | null {
  const order = def.orderKey?.(payload);
  if (order) return orderedRunsKey(def.id, tenantId, order);
  const c = def.options.concurrency;
  return c ? `${def.id}:${c.perTenant === false ? "*" : (tenantId ?? "*")}` : null;
}

export type AttemptResult =
  | { kind: "done"; result?: unknown }
  | { kind: "skipped"; reason: string }
  | { kind: "failed"; reason: string; retriable: boolean };

/** Runs the handler once: payload validated, outcome classified, nothing recorded. */
export async function runHandler(
  db: Db,
  def: JobDefinition,
  run: Pick<JobRunRow, "id" | "tenantId" | "payload">,
  attempt: number,
  queue: JobQueue,
): Promise<AttemptResult> {
  const log = loggerFor({ tenantId: run.tenantId, job: def.id }).child({ runId: run.id, attempt });
  try {
    const payload = def.payload.parse(run.payload);
    const outcome: JobOutcome = (await def.handler(payload, {
      db,
      tenantId: run.tenantId,
      runId: run.id,
      attempt,
      log,
      queue,
    })) ?? {
      status: "done",
    };
    return outcome.status === "done"
      ? { kind: "done", result: outcome.result }
      : { kind: "skipped", reason: outcome.reason };
  } catch (err) {
    if (err instanceof SkipJobError) return { kind: "skipped", reason: err.message };
    if (err instanceof ZodError) {
      return {
        kind: "failed",
        reason: `invalid payload: ${err.issues.map((i) => i.message).join("; ")}`,
        retriable: false,
      };
    }
    log.warn({ err }, "job attempt failed");
    if (err instanceof NonRetriableError) {
      return { kind: "failed", reason: safeErrorMessage(err), retriable: false };
    }
    // A refusal of the request itself (amoCRM 400/402/403, MANGO bad parameters) is the same on every retry.
    const refusal = refusalOf(err);
    if (refusal) return { kind: "failed", reason: refusal, retriable: false };
    // Kept on the run and in the journal: a failed query's parameters (phones, bodies, keys) never are.
    return { kind: "failed", reason: safeErrorMessage(err), retriable: true };
  }
}

/**
 * Records where a run ended up after an attempt, on the row and in the journal. With `lease` (the local
 * driver) only the lease's holder may: a worker whose lease lapsed and was taken over by another (it stalled,
 * or its heartbeat stopped) finds the row no longer `running` under its name and attempt, writes nothing and
 * gets false, so its late result never overwrites the new owner's.
 */
export async function recordAttempt(
  db: Db,
  def: JobDefinition,
  run: Pick<JobRunRow, "id" | "tenantId">,
  attempt: number,
  result: AttemptResult,
  next: { retryAt: Date | null; now?: Date; lease?: { owner: string; attempt: number } },
): Promise<boolean> {
  const now = next.now ?? new Date();
  const retrying = result.kind === "failed" && next.retryAt !== null;
  const status = retrying ? "queued" : result.kind;
  const reason = result.kind === "done" ? null : result.reason;
  const { lease } = next;
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(jobRuns)
      .set({
        status,
        attempts: attempt,
        lastError: reason,
        result: result.kind === "done" ? ((result.result ?? null) as object | null) : null,
        runAt: retrying ? next.retryAt! : undefined,
        finishedAt: retrying ? null : now,
        lockedBy: null,
        lockedUntil: null,
      })
      .where(
        and(
          eq(jobRuns.id, run.id),
          lease ? eq(jobRuns.status, "running") : undefined,
          lease ? eq(jobRuns.lockedBy, lease.owner) : undefined,
          lease ? eq(jobRuns.attempts, lease.attempt) : undefined,
        ),
      )
      .returning({ id: jobRuns.id });
    if (updated.length === 0) return false;
    await recordActivity(tx as unknown as Db, {
      tenantId: run.tenantId,
      source: "job",
      sourceId: run.id,
      kind: def.id,
      status: retrying ? "retrying" : result.kind,
      reason,
      attempts: attempt,
      nextRetryAt: retrying ? next.retryAt : null,
    });
    return true;
  });
}

export async function markRunning(
  db: Db,
  def: JobDefinition,
  run: Pick<JobRunRow, "id" | "tenantId">,
  attempt: number,
) {
  await recordActivity(db, {
    tenantId: run.tenantId,
    source: "job",
    sourceId: run.id,
    kind: def.id,
    status: "running",
    attempts: attempt,
  });
}

/** Resets a failed run of this tenant for another round of attempts. Returns the row, or null if not found. */
export async function resetFailedRun(db: Db, { runId, tenantId }: { runId: string; tenantId: string }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobRuns)
      .set({
        status: "queued",
        attempts: 0,
        runAt: new Date(),
        lastError: null,
        finishedAt: null,
        dispatchedAt: null,
      })
      .where(and(eq(jobRuns.id, runId), eq(jobRuns.tenantId, tenantId), eq(jobRuns.status, "failed")))
      .returning();
    if (!row) return null;
    await recordActivity(tx as unknown as Db, {
      tenantId,
      source: "job",
      sourceId: row.id,
      kind: row.jobId,
      status: "queued",
      reason: "повтор по запросу",
    });
    return row;
  });
}

export async function tenantIsActive(db: Db, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.status === "active";
}

/** Returns an Inngest run to the outbox while its tenant is paused. */
export async function parkRun(db: Db, runId: string): Promise<void> {
  await db.update(jobRuns).set({ status: "queued", dispatchedAt: null }).where(eq(jobRuns.id, runId));
}
