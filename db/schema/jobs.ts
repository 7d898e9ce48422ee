import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, unique } from "drizzle-orm/pg-core";
import { attempts, primaryId, timestamps, ts } from "./_columns";
import { optionalTenantRef } from "./_tenant-ref";

export const jobStatus = pgEnum("job_status", [
  "queued",
  "running",
  "done",
  "skipped",
  "failed",
  "cancelled",
]);
export const jobDriver = pgEnum("job_driver", ["local", "inngest"]);

/**
 * One row per job intent, whatever the driver. The local driver claims and runs rows; the Inngest driver
 * uses the row as an outbox (dispatched_at null = not yet accepted by Inngest) and records outcomes on it.
 */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: primaryId(),
    tenantId: optionalTenantRef(),
    jobId: text("job_id").notNull(),
    payload: jsonb("payload").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    driver: jobDriver("driver").notNull(),
    status: jobStatus("status").notNull().default("queued"),
    attempts: attempts(),
    maxAttempts: integer("max_attempts").notNull(),
    runAt: ts("run_at").notNull().defaultNow(),
    concurrencyKey: text("concurrency_key"),
    lockedBy: text("locked_by"),
    lockedUntil: ts("locked_until"),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    dispatchedAt: ts("dispatched_at"),
    lastError: text("last_error"),
    result: jsonb("result"),
    ...timestamps,
  },
  (t) => [
    unique("job_runs_idempotency").on(t.tenantId, t.jobId, t.idempotencyKey).nullsNotDistinct(),
    index("job_runs_claim").on(t.status, t.runAt).where(sql`status = 'queued'`),
    index("job_runs_tenant_created").on(t.tenantId, t.createdAt),
    // The claim's checks per concurrency key: runs in flight, and an ordered key's older open runs.
    index("job_runs_open_by_key")
      .on(t.concurrencyKey, t.createdAt)
      .where(sql`status in ('queued', 'running')`),
    index("job_runs_outbox").on(t.dispatchedAt).where(sql`driver = 'inngest' and dispatched_at is null`),
  ],
);

export type JobRunRow = typeof jobRuns.$inferSelect;
export type JobStatus = (typeof jobStatus.enumValues)[number];
