// Request budgets kept in PostgreSQL (table rate_budgets), so every instance and both job drivers share
// one budget per outside account: amoCRM's 7 requests/second per account and MANGO's per-product limits
// are the account's, not the process's. Two instances with a limiter each made 85 of 979 amoCRM
// requests answer 429 (issue #16).
//
// The same rule as the in-process limiter (server/amocrm/rate-limit.ts): the row keeps the times of the
// last `capacity` slots handed out, and the next slot is the later of "now" and "the slot `capacity` back
// plus one window". Slots are therefore ascending and any window sees at most `capacity` of them, whatever
// the alignment. One statement reserves a slot: INSERT … ON CONFLICT DO UPDATE locks the row, computes the
// slot from the latest committed slots on PostgreSQL's clock (so instances' clocks need not agree) and
// commits at once (a limiter built on a caller's transaction reserves on the process's side pool,
// `outsideTransaction`); the caller then sleeps until its slot outside any transaction. A slot reserved by
// a caller that never sends is simply spent. `reserveSlots` does the same for a request that counts against
// several budgets (a MANGO method's own limit and its API's general one), with one slot for all of them.
import { sql } from "drizzle-orm";
import { type Db, outsideTransaction, rowsOf } from "@/db/client";
import { DEFAULT_MARGIN_MS, type RateLimiter } from "@/server/amocrm";

export type BudgetLimit = {
  /** The budget's identity, e.g. `amocrm:https://demo.amocrm.ru` or `mango:<tenant>:vpbx`. */
  key: string;
  /** Requests allowed in one window. */
  capacity: number;
  /** The provider's window (ms): 1000 for "7 per second", 2000 for "1 per 2 s". */
  windowMs: number;
  /** Added to each window so jitter between us and the provider cannot squeeze one more in. Default 50. */
  marginMs?: number;
};

export type ReservedSlot = {
  /** When the caller may send (ms since epoch, PostgreSQL's clock). */
  slotMs: number;
  /** How long from the answer until that slot. */
  waitMs: number;
};

function checkLimit(limit: BudgetLimit): void {
  if (!Number.isInteger(limit.capacity) || limit.capacity < 1)
    throw new Error("capacity must be a positive integer");
  if (!Number.isInteger(limit.windowMs) || limit.windowMs < 1)
    throw new Error("windowMs must be a positive integer");
  if (limit.marginMs !== undefined && (!Number.isInteger(limit.marginMs) || limit.marginMs < 0))
    throw new Error("marginMs must be a non-negative integer");
}

/** Reserves the next slot of a budget: one autocommitted statement (when `db` is not a transaction). */
export async function reserveSlot(db: Db, limit: BudgetLimit): Promise<ReservedSlot> {
  checkLimit(limit);
  const spacingMs = limit.windowMs + (limit.marginMs ?? DEFAULT_MARGIN_MS);
  const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
  const result = await db.execute(sql`
    insert into rate_budgets as b (key, slots)
    values (${limit.key}, array[${nowMs}])
    on conflict (key) do update set slots = (
      b.slots || greatest(
        ${nowMs},
        coalesce(b.slots[cardinality(b.slots) - ${limit.capacity}::int + 1] + ${spacingMs}::bigint, 0)
      )
    )[greatest(1, cardinality(b.slots) + 2 - ${limit.capacity}::int):]
    returning slots[cardinality(slots)] as slot_ms, ${nowMs} as now_ms`);
  const row = rowsOf<{ slot_ms: string | number | bigint; now_ms: string | number | bigint }>(result)[0];
  if (!row) throw new Error(`rate budget ${limit.key}: no slot returned`);
  const slotMs = Number(row.slot_ms);
  return { slotMs, waitMs: Math.max(0, slotMs - Number(row.now_ms)) };
}

// Rows are never deleted, so a process creates each key's row once (an empty history limits nothing).
const ensuredKeys = new Set<string>();

async function ensureRows(db: Db, keys: readonly string[]): Promise<void> {
  const missing = keys.filter((k) => !ensuredKeys.has(k));
  if (missing.length === 0) return;
  await db.execute(sql`
    insert into rate_budgets (key, slots)
    values ${sql.join(
      missing.map((k) => sql`(${k}, '{}'::bigint[])`),
      sql`, `,
    )}
    on conflict (key) do nothing`);
  for (const k of missing) ensuredKeys.add(k);
}

/**
 * Reserves one slot in several budgets at once (a MANGO request counts against its method's limit and
 * its API's general one): the slot is the earliest every budget allows, and it is recorded in all of them,
 * so the request is sent at a time each budget agreed to. One statement: the rows are locked in key order
 * (two callers never wait on each other crosswise), the slot computed from what the locks guard, and the
 * rows updated from those same values.
 */
export async function reserveSlots(db: Db, limits: readonly BudgetLimit[]): Promise<ReservedSlot> {
  if (limits.length === 0) throw new Error("no budget to reserve in");
  for (const l of limits) checkLimit(l);
  if (new Set(limits.map((l) => l.key)).size !== limits.length) throw new Error("budget keys repeat");
  await ensureRows(
    db,
    limits.map((l) => l.key),
  );
  const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
  const values = sql.join(
    limits.map(
      (l) =>
        sql`(${l.key}::text, ${l.capacity}::int, ${l.windowMs + (l.marginMs ?? DEFAULT_MARGIN_MS)}::bigint)`,
    ),
    sql`, `,
  );
  const statement = sql`
    with lim(key, capacity, spacing) as (values ${values}),
    locked as (
      select b.key, b.slots from rate_budgets b
      where b.key in (select key from lim) order by b.key for update
    ),
    next as (
      select greatest(
        ${nowMs},
        coalesce(max(l.slots[cardinality(l.slots) - lim.capacity + 1] + lim.spacing), 0)
      ) as slot_ms
      from locked l join lim on lim.key = l.key
    )
    update rate_budgets b
    set slots = (l.slots || n.slot_ms)[greatest(1, cardinality(l.slots) + 2 - lim.capacity):]
    from locked l, lim, next n
    where b.key = l.key and lim.key = l.key
    returning n.slot_ms, ${nowMs} as now_ms`;
  let rows = rowsOf<{ slot_ms: string | number | bigint; now_ms: string | number | bigint }>(
    await db.execute(statement),
  );
  if (rows.length !== limits.length) {
    // A row this process thought existed is gone (a restored database): create it and reserve again.
    for (const l of limits) ensuredKeys.delete(l.key);
    await ensureRows(
      db,
      limits.map((l) => l.key),
    );
    rows = rowsOf(await db.execute(statement));
  }
  const row = rows[0];
  if (!row || rows.length !== limits.length) throw new Error("rate budget: not every budget was reserved");
  const slotMs = Number(row.slot_ms);
  return { slotMs, waitMs: Math.max(0, slotMs - Number(row.now_ms)) };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `RateLimiter` (the interface the amoCRM client and the MANGO transport take) over a shared budget.
 * It holds no state: building one per client is free, and every limiter with the same key, in any
 * process, draws from the same budget.
 */
export function budgetRateLimiter(
  db: Db,
  limit: BudgetLimit,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): RateLimiter {
  checkLimit(limit);
  const sleep = opts.sleep ?? realSleep;
  return {
    requestsPerSecond: (limit.capacity * 1000) / limit.windowMs,
    async take() {
      const { waitMs } = await reserveSlot(outsideTransaction(db), limit);
      if (waitMs > 0) await sleep(waitMs);
    },
  };
}
