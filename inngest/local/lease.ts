import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";

/**
 * How long a claimed run is this worker's without a sign of life. Short, so a run whose process died (killed,
 * crashed, its machine gone) is claimed again, and stops counting against its tenant's concurrency, within
 * seconds; a healthy run keeps it by heartbeats every third of it (`renewLeases`).
 */
export const DEFAULT_LEASE_MS = 30_000;

export type HeldLease = { id: string; attempt: number };

/**
 * The heartbeat: one short UPDATE pushes the lease of every run this worker is executing `leaseMs` past now.
 * Only rows still `running` under this worker and attempt are touched: a run taken over by another worker
 * after its lease lapsed stays the new owner's. Returns the runs whose lease was renewed; a missing one was
 * lost (its result will be refused by `recordAttempt`).
 */
export async function renewLeases(
  db: Db,
  opts: { workerId: string; runs: HeldLease[]; now: Date; leaseMs: number },
): Promise<Set<string>> {
  if (opts.runs.length === 0) return new Set();
  const lockedUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const pairs = sql.join(
    opts.runs.map((r) => sql`(${r.id}::uuid, ${r.attempt}::int)`),
    sql`, `,
  );
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update job_runs set locked_until = ${lockedUntil}
      where status = 'running' and locked_by = ${opts.workerId} and (id, attempts) in (${pairs})
      returning id`),
  );
  return new Set(rows.map((r) => r.id));
}
