// Leftovers of auto-callbacks, for the sweep (outcome-job.ts): calls MANGO never told us the end of, and
// final items whose consequences were never applied (a crash between deciding and enqueuing the outcome).
import { and, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackQueue, tenants } from "@/db/schema";

/**
 * A dialing item is expired this long after it was dispatched. A callback rings the employee (MANGO gives
 * up within a minute or two), then the client (the same), and a conversation makes the item a success the
 * moment the client answers — so an item still dialing after 15 minutes has lost its events, not its call.
 */
export const CALLBACK_EXPIRE_AFTER_MS = 15 * 60_000;

/** A final item's outcome run is enqueued when it is decided; only after this is it looked for again. */
export const OUTCOME_RECHECK_AFTER_MS = 2 * 60_000;

/** Items older than this are left to the journal's «Повторить»: the sweep does not chase them forever. */
export const OUTCOME_RECHECK_WINDOW_MS = 24 * 3600_000;

/** At most this many items per tenant per sweep. */
const SWEEP_BATCH = 100;

export const EXPIRED_REASON = "MANGO не сообщил, чем закончился звонок";

/** When the item went out: the dispatcher stamps `dispatched_at`; an item without it counts from its last change. */
const sentAt = sql`coalesce(${callbackQueue.dispatchedAt}, ${callbackQueue.updatedAt})`;

const stale = (now: Date) =>
  and(eq(callbackQueue.state, "dialing"), lt(sentAt, new Date(now.getTime() - CALLBACK_EXPIRE_AFTER_MS)));

const unapplied = (now: Date) =>
  and(
    inArray(callbackQueue.state, ["succeeded", "failed"]),
    isNull(callbackQueue.outcomeAppliedAt),
    lt(callbackQueue.updatedAt, new Date(now.getTime() - OUTCOME_RECHECK_AFTER_MS)),
    gt(callbackQueue.updatedAt, new Date(now.getTime() - OUTCOME_RECHECK_WINDOW_MS)),
  );

/** Active tenants with an item to expire or an outcome to re-enqueue. */
export async function tenantsWithCallbackLeftovers(db: Db, { now = new Date() }: { now?: Date } = {}) {
  const rows = await db
    .selectDistinct({ tenantId: callbackQueue.tenantId })
    .from(callbackQueue)
    .innerJoin(tenants, eq(tenants.id, callbackQueue.tenantId))
    .where(and(eq(tenants.status, "active"), or(stale(now), unapplied(now))));
  return rows.map((r) => r.tenantId);
}

/**
 * Expires the tenant's items dialing for longer than `CALLBACK_EXPIRE_AFTER_MS`: no stage move, no task
 * (nothing is known about the call). Returns the ids expired.
 */
export async function expireStaleCallbacks(
  db: Db,
  { tenantId, now = new Date() }: { tenantId: string; now?: Date },
): Promise<string[]> {
  const rows = await db
    .update(callbackQueue)
    .set({ state: "expired", reason: EXPIRED_REASON, finishedAt: now, updatedAt: sql`now()` })
    .where(and(eq(callbackQueue.tenantId, tenantId), stale(now)))
    .returning({ id: callbackQueue.id });
  return rows.map((r) => r.id);
}

/** The tenant's final items whose outcome was not applied a while after they were decided. */
export async function callbacksAwaitingOutcome(
  db: Db,
  { tenantId, now = new Date() }: { tenantId: string; now?: Date },
): Promise<{ id: string; leadId: number }[]> {
  return db
    .select({ id: callbackQueue.id, leadId: callbackQueue.leadId })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), unapplied(now)))
    .orderBy(callbackQueue.updatedAt)
    .limit(SWEEP_BATCH);
}
