import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, callbackQueue, callbackRulePauses, rules } from "@/db/schema";
import { logger } from "@/server/log/logger";

/**
 * The changes people make to the auto-callback queue: «Очистить», «Убрать из очереди», «Позвонить сейчас»,
 * «Приостановить» / «Возобновить» a rule. Every query names the tenant; every change writes its audit row
 * in the same transaction. The dispatcher (dispatch*.ts) drains the queue; after «Позвонить сейчас» and
 * «Возобновить» the caller's `wake` tells it to look now. What people read is in queue-view.ts.
 */

const CLEARED_REASON = "Очередь очищена вручную";
const REMOVED_REASON = "Убран из очереди вручную";

type Wake = () => Promise<void>;

/** After the change has committed: a dispatcher that could not be told now still runs at its armed tick. */
async function wakeAfterCommit(wake: Wake | undefined, tenantId: string) {
  try {
    await wake?.();
  } catch (err) {
    logger.warn({ tenantId, err: (err as Error).message }, "callbacks: waking the dispatcher failed");
  }
}

/** «Очистить»: every queued item of the tenant becomes `cleared` (no call, no task, no stage move). */
export async function clearQueue(
  db: Db,
  { tenantId, actorUserId, now = new Date() }: { tenantId: string; actorUserId: string | null; now?: Date },
): Promise<{ cleared: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(callbackQueue)
      .set({ state: "cleared", reason: CLEARED_REASON, finishedAt: now, updatedAt: now })
      .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.state, "queued")))
      .returning({ id: callbackQueue.id });
    if (rows.length > 0)
      await tx.insert(auditLog).values({
        tenantId,
        actorUserId,
        action: "callbacks.clear",
        target: "callback_queue",
        before: { queued: rows.length },
        after: { cleared: rows.length },
      });
    return { cleared: rows.length };
  });
}

/** The item of the tenant, or null (another tenant's id is the same as a missing one). */
async function itemState(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  const [row] = await db
    .select({ state: callbackQueue.state })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, id)));
  return row?.state ?? null;
}

export type ItemChange = "ok" | "not_found" | "not_queued";

/** «Убрать из очереди»: one queued item becomes `removed`. */
export async function removeItem(
  db: Db,
  {
    tenantId,
    actorUserId,
    id,
    now = new Date(),
  }: { tenantId: string; actorUserId: string | null; id: string; now?: Date },
): Promise<ItemChange> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(callbackQueue)
      .set({ state: "removed", reason: REMOVED_REASON, finishedAt: now, updatedAt: now })
      .where(
        and(
          eq(callbackQueue.tenantId, tenantId),
          eq(callbackQueue.id, id),
          eq(callbackQueue.state, "queued"),
        ),
      )
      .returning({ leadId: callbackQueue.leadId, ruleName: callbackQueue.ruleName });
    if (!row) return (await itemState(tx, { tenantId, id })) === null ? "not_found" : "not_queued";
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId,
      action: "callbacks.remove",
      target: `callback:${id}`,
      before: { state: "queued", leadId: row.leadId, rule: row.ruleName },
      after: { state: "removed" },
    });
    return "ok";
  });
}

/** «Позвонить сейчас»: the queued item rings at the dispatcher's next tick, whatever the pacing. */
export async function callNow(
  db: Db,
  {
    tenantId,
    actorUserId,
    id,
    wake,
    now = new Date(),
  }: { tenantId: string; actorUserId: string | null; id: string; wake?: Wake; now?: Date },
): Promise<ItemChange> {
  const result = await db.transaction(async (tx): Promise<ItemChange> => {
    const [row] = await tx
      .update(callbackQueue)
      .set({ callNowAt: now, updatedAt: now })
      .where(
        and(
          eq(callbackQueue.tenantId, tenantId),
          eq(callbackQueue.id, id),
          eq(callbackQueue.state, "queued"),
        ),
      )
      .returning({ leadId: callbackQueue.leadId });
    if (!row) return (await itemState(tx, { tenantId, id })) === null ? "not_found" : "not_queued";
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId,
      action: "callbacks.call_now",
      target: `callback:${id}`,
      before: null,
      after: { callNowAt: now.toISOString(), leadId: row.leadId },
    });
    return "ok";
  });
  if (result === "ok") await wakeAfterCommit(wake, tenantId);
  return result;
}

async function tenantHasRule(db: Db, { tenantId, ruleId }: { tenantId: string; ruleId: string }) {
  const [row] = await db
    .select({ id: rules.id })
    .from(rules)
    .where(and(eq(rules.tenantId, tenantId), eq(rules.id, ruleId)));
  return row !== undefined;
}

/** «Приостановить»: the rule's queued items wait until resumed. False when the tenant has no such rule. */
export async function pauseRule(
  db: Db,
  { tenantId, actorUserId, ruleId }: { tenantId: string; actorUserId: string | null; ruleId: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await tenantHasRule(tx, { tenantId, ruleId }))) return false;
    const inserted = await tx
      .insert(callbackRulePauses)
      .values({ tenantId, ruleId })
      .onConflictDoNothing()
      .returning({ ruleId: callbackRulePauses.ruleId });
    if (inserted.length > 0)
      await tx.insert(auditLog).values({
        tenantId,
        actorUserId,
        action: "callbacks.pause_rule",
        target: `rule:${ruleId}`,
        before: { paused: false },
        after: { paused: true },
      });
    return true;
  });
}

/** «Возобновить»: the rule's items ring again; the dispatcher is woken. False when the tenant has no such rule. */
export async function resumeRule(
  db: Db,
  {
    tenantId,
    actorUserId,
    ruleId,
    wake,
  }: { tenantId: string; actorUserId: string | null; ruleId: string; wake?: Wake },
): Promise<boolean> {
  const found = await db.transaction(async (tx) => {
    if (!(await tenantHasRule(tx, { tenantId, ruleId }))) return false;
    const deleted = await tx
      .delete(callbackRulePauses)
      .where(and(eq(callbackRulePauses.tenantId, tenantId), eq(callbackRulePauses.ruleId, ruleId)))
      .returning({ ruleId: callbackRulePauses.ruleId });
    if (deleted.length > 0)
      await tx.insert(auditLog).values({
        tenantId,
        actorUserId,
        action: "callbacks.resume_rule",
        target: `rule:${ruleId}`,
        before: { paused: true },
        after: { paused: false },
      });
    return true;
  });
  if (found) await wakeAfterCommit(wake, tenantId);
  return found;
}
