import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackQueue, type StageMove } from "@/db/schema";
import { sealCallbackPhone } from "./phone";

/** Who is rung first, resolved when the item is queued (the extension or the group's short number). */
export type CallbackTarget = {
  type: "responsible" | "employee" | "group";
  /** The amoCRM user who is to call (the task on failure goes to them); null for a group. */
  amoUserId: number | null;
  extension: string;
  name: string | null;
};

export type NewCallbackItem = {
  tenantId: string;
  ruleId: string;
  ruleName: string;
  leadId: number;
  leadName: string | null;
  contactId: number | null;
  /** (rule, deal, occurrence): the same intent again finds its row and adds nothing. */
  idempotencyKey: string;
  target: CallbackTarget;
  /** E.164 of the client. */
  phone: string;
  lineNumber: string | null;
  taskOnFailure: boolean;
  stageOnSuccess: StageMove | null;
  stageOnFailure: StageMove | null;
};

/**
 * Puts one auto-callback intent in the tenant's queue, once: a second call with the same idempotency key
 * returns the first row with `created: false`. The dispatcher (dispatch.ts) dials it at the tenant's pace.
 */
export async function queueCallbackItem(
  db: Db,
  item: NewCallbackItem,
): Promise<{ id: string; created: boolean }> {
  const id = randomUUID();
  const inserted = await db
    .insert(callbackQueue)
    .values({
      id,
      tenantId: item.tenantId,
      ruleId: item.ruleId,
      ruleName: item.ruleName,
      leadId: item.leadId,
      leadName: item.leadName,
      contactId: item.contactId,
      idempotencyKey: item.idempotencyKey,
      targetType: item.target.type,
      targetAmoUserId: item.target.amoUserId,
      targetExtension: item.target.extension,
      targetName: item.target.name,
      lineNumber: item.lineNumber,
      ...sealCallbackPhone({ tenantId: item.tenantId, id }, item.phone),
      taskOnFailure: item.taskOnFailure,
      stageOnSuccess: item.stageOnSuccess,
      stageOnFailure: item.stageOnFailure,
    })
    .onConflictDoNothing()
    .returning({ id: callbackQueue.id });
  if (inserted.length > 0) return { id, created: true };
  const [row] = await db
    .select({ id: callbackQueue.id })
    .from(callbackQueue)
    .where(
      and(eq(callbackQueue.tenantId, item.tenantId), eq(callbackQueue.idempotencyKey, item.idempotencyKey)),
    );
  return { id: row!.id, created: false };
}

/** The items a rule already has for some deals (any occurrence, any state), for "apply to current deals". */
export async function ruleCallbacksOfLeads(
  db: Db,
  { tenantId, ruleId, leadIds }: { tenantId: string; ruleId: string; leadIds: number[] },
): Promise<{ leadId: number; idempotencyKey: string; createdAt: Date }[]> {
  if (leadIds.length === 0) return [];
  return db
    .select({
      leadId: callbackQueue.leadId,
      idempotencyKey: callbackQueue.idempotencyKey,
      createdAt: callbackQueue.createdAt,
    })
    .from(callbackQueue)
    .where(
      and(
        eq(callbackQueue.tenantId, tenantId),
        eq(callbackQueue.ruleId, ruleId),
        inArray(callbackQueue.leadId, leadIds),
      ),
    );
}
