// Serialising work that calls amoCRM or MANGO without pinning a pooled connection: a row in `leases` per key,
// taken and given back by single autocommit statements. A transaction-scoped advisory lock would hold a
// connection (and on embedded PGlite, the only one) for as long as the slowest amoCRM answer.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { logger } from "@/server/log/logger";

export type LeaseOptions = {
  /** How long the lease holds without a heartbeat: the longest a dead holder blocks the key. Default 30 s. */
  ttlMs?: number;
  /** How long to wait for a busy key before giving up with LeaseBusyError. Default 30 s. */
  waitMs?: number;
};

/** The key stayed busy for the whole wait; retrying later can help (a job's next attempt). */
export class LeaseBusyError extends Error {
  override name = "LeaseBusyError";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Takes the key when it is free or its holder's lease lapsed; true when this holder has it now. */
async function tryAcquire(db: Db, key: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = rowsOf<{ holder: string }>(
    await db.execute(sql`
      insert into leases (key, holder, expires_at)
      values (${key}, ${holder}, clock_timestamp() + ${ttlMs} * interval '1 millisecond')
      on conflict (key) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where leases.expires_at < clock_timestamp()
      returning holder`),
  );
  return rows[0]?.holder === holder;
}

/**
 * Runs `work` while this process holds the lease on `key`; other callers of the same key wait (polling, no
 * connection held) until it is given back. The lease is renewed every third of its ttl while `work` runs, so
 * a slow amoCRM does not lose it; if the process dies, the key is free again after `ttlMs`. The database's
 * clock decides expiry, so instances with skewed clocks agree.
 */
export async function withLease<T>(
  db: Db,
  key: string,
  work: () => Promise<T>,
  opts: LeaseOptions = {},
): Promise<T> {
  const ttlMs = opts.ttlMs ?? 30_000;
  const waitMs = opts.waitMs ?? 30_000;
  const holder = randomUUID();
  // Elapsed time on a monotonic clock: a step of the wall clock must not end (or stretch) the wait.
  const started = performance.now();
  for (let pause = 10; !(await tryAcquire(db, key, holder, ttlMs)); pause = Math.min(pause * 2, 200)) {
    if (performance.now() - started > waitMs) throw new LeaseBusyError(`занято другой операцией (${key})`);
    await sleep(pause);
  }
  const heartbeat = setInterval(
    () => {
      db.execute(sql`
      update leases set expires_at = clock_timestamp() + ${ttlMs} * interval '1 millisecond'
      where key = ${key} and holder = ${holder}`).catch((err) =>
        logger.warn({ err: String(err), key }, "lease heartbeat failed"),
      );
    },
    Math.floor(ttlMs / 3),
  );
  heartbeat.unref?.();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await db.execute(sql`delete from leases where key = ${key} and holder = ${holder}`);
  }
}
