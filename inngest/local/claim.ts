import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import type { JobRunRow } from "@/db/schema";
import type { JobDefinition } from "@/server/jobs/define";
import { ORDERED_KEY_PREFIX } from "@/server/jobs/runs";

type RawRun = {
  id: string;
  tenant_id: string | null;
  job_id: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  concurrency_key: string | null;
};

export type ClaimedRun = Pick<
  JobRunRow,
  "id" | "tenantId" | "jobId" | "payload" | "attempts" | "maxAttempts"
>;

/**
 * Claims due runs for this worker. Candidates are locked with FOR UPDATE SKIP LOCKED so pollers never
 * take the same row; a running row whose lease expired (its worker died or stalled: no heartbeat, lease.ts) is
 * due again, and no longer counts against its concurrency key. Concurrency and
 * rate limits are checked under a transaction-scoped advisory lock per key, so two pollers cannot both
 * take the last free slot. A worker claims only the jobs it has definitions for (during a rolling deploy an
 * older process leaves newer jobs to newer processes). Runs of a tenant that is not active (it must reconnect
 * amoCRM, or uninstalled) wait untouched until it is active again: paused, not failing in a loop. A run
 * with an ordered key (`JobDefinition.orderKey`) is a candidate only when no other run of its key is running
 * or was enqueued before it and is still open: one at a time per key, in enqueue order.
 */
export async function claimDueRuns(
  db: Db,
  opts: {
    workerId: string;
    now: Date;
    leaseMs: number;
    limit: number;
    definitions: Map<string, JobDefinition>;
  },
): Promise<ClaimedRun[]> {
  const { now, workerId } = opts;
  if (opts.definitions.size === 0) return [];
  return db.transaction(async (tx) => {
    const candidates = rowsOf<RawRun>(
      await tx.execute(sql`
        select id, tenant_id, job_id, payload, attempts, max_attempts, concurrency_key from job_runs
        where driver = 'local' and job_id in (${sql.join(
          [...opts.definitions.keys()].map((id) => sql`${id}`),
          sql`, `,
        )})
          and ((status = 'queued' and run_at <= ${now}) or (status = 'running' and locked_until < ${now}))
          and (tenant_id is null or exists (select 1 from tenants t where t.id = job_runs.tenant_id and t.status = 'active'))
          and (concurrency_key is null or concurrency_key not like ${`${ORDERED_KEY_PREFIX}%`} or not exists (
            select 1 from job_runs e
            where e.concurrency_key = job_runs.concurrency_key and e.id <> job_runs.id
              and e.status in ('queued', 'running')
              and ((e.status = 'running' and e.locked_until >= ${now})
                or (e.created_at, e.id) < (job_runs.created_at, job_runs.id))))
        order by run_at
        limit ${opts.limit}
        for update skip locked`),
    );
    const claimed: ClaimedRun[] = [];
    for (const c of candidates) {
      const deferUntil = await limitDeferral(tx as unknown as Db, opts.definitions.get(c.job_id)!, c, now);
      if (deferUntil) {
        await tx.execute(
          sql`update job_runs set run_at = ${deferUntil}, status = 'queued' where id = ${c.id}`,
        );
        continue;
      }
      // Each claim is written before the next candidate's limits are checked: they count it.
      const lockedUntil = new Date(now.getTime() + opts.leaseMs);
      await tx.execute(sql`
        update job_runs set status = 'running', locked_by = ${workerId}, locked_until = ${lockedUntil},
          attempts = attempts + 1, started_at = ${now}
        where id = ${c.id}`);
      claimed.push({
        id: c.id,
        tenantId: c.tenant_id,
        jobId: c.job_id,
        payload: c.payload,
        attempts: c.attempts + 1,
        maxAttempts: c.max_attempts,
      });
    }
    return claimed;
  });
}

/** When a run must wait for its concurrency or rate limit, the time to look at it again; else null. */
async function limitDeferral(db: Db, def: JobDefinition, run: RawRun, now: Date): Promise<Date | null> {
  const { concurrency, rate } = def.options;
  // An ordered key's one run at a time is the candidate query's: only the key's oldest open run is a candidate.
  if (concurrency && run.concurrency_key && !run.concurrency_key.startsWith(ORDERED_KEY_PREFIX)) {
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${run.concurrency_key}))`);
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`
        select count(*)::int as n from job_runs
        where concurrency_key = ${run.concurrency_key} and status = 'running' and locked_until >= ${now}
          and id <> ${run.id}`),
    );
    if ((row?.n ?? 0) >= concurrency.limit) return new Date(now.getTime() + 1000);
  }
  if (rate) {
    const key = `rate:${def.id}:${run.tenant_id ?? "*"}`;
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
    const since = new Date(now.getTime() - rate.periodSeconds * 1000);
    const rows = rowsOf<{ started_at: Date | string }>(
      await db.execute(sql`
        select started_at from job_runs
        where job_id = ${def.id} and tenant_id is not distinct from ${run.tenant_id} and started_at > ${since}
          and id <> ${run.id}
        order by started_at asc`),
    );
    if (rows.length >= rate.limit) {
      const oldest = new Date(rows[rows.length - rate.limit]!.started_at);
      return new Date(oldest.getTime() + rate.periodSeconds * 1000);
    }
  }
  return null;
}
