// The consequences of a finished auto-callback in amoCRM, once per item: on failure a task for whoever was
// to call (when the rule asks for one) and the deal moved to the failure stage; on success the deal moved to
// the success stage. The item row is the truth; the job payload only names it.
//
// Once: `task_sent_at` is stamped before the task is sent, `task_id` recorded right after amoCRM accepted
// it, `outcome_applied_at` after the last step, so a retried run does only what is missing. A stamp without
// an id means a task may be in amoCRM whose answer was lost (a timeout, a crash, a run that failed for good
// and was put back from the journal's «Повторить»): it is looked for before writing again — call tasks on the
// deal whose text carries the item's id, as calls.log does for a missed-call task — so a first write costs
// no extra request and no retry of any kind writes a second task.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallbackQueueRow, callbackQueue, type StageMove } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm/api";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { JobOutcome } from "@/server/jobs/define";
import { getTenant } from "@/server/tenancy/queries";

/** amoCRM task type 1 = «Связаться». */
const TASK_TYPE_CALL = 1;
/** The employee should call the client back soon, while the deal is fresh. */
export const FAILURE_TASK_DUE_S = 30 * 60;

/** What makes a failure task ours and this item's (amoCRM keeps no id of ours on a task). */
export const callbackTaskMarker = (itemId: string) => `[Amango ${itemId}]`;

export const failureTaskText = (item: Pick<CallbackQueueRow, "id" | "reason">) =>
  `Автоперезвон не состоялся: ${item.reason ?? "звонок не удался"}. Перезвоните клиенту ${callbackTaskMarker(item.id)}`;

const FINAL_STATE_TEXT: Record<string, string> = {
  queued: "звонок ещё в очереди",
  dialing: "звонок ещё идёт",
  cleared: "очередь очищена — итог не применяется",
  removed: "звонок убран из очереди — итог не применяется",
  expired: "MANGO не сообщил, чем закончился звонок — итог не применяется",
  skipped: "звонок не совершался — итог не применяется",
};

export type CallbackOutcomeResult = {
  itemId: string;
  leadId: number;
  state: "succeeded" | "failed";
  reason: string | null;
  taskId: number | null;
  /** The task was found in amoCRM (an earlier run's write whose answer was lost), not created now. */
  taskFound?: true;
  movedTo: StageMove | null;
  alreadyApplied?: true;
};

/**
 * Applies the outcome of one final item (succeeded / failed). Items in any other state are skipped with the
 * reason; an item already applied answers what was done. amoCRM errors throw (the job retries), a tenant that
 * must reconnect throws `TenantNeedsReconnectError` (the job skips).
 */
export async function applyCallbackOutcome(
  db: Db,
  { tenantId, itemId }: { tenantId: string; itemId: string },
  { now = new Date() }: { now?: Date } = {},
): Promise<JobOutcome> {
  const [item] = await db
    .select()
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, itemId)));
  if (!item) return { status: "skipped", reason: "автоперезвон не найден" };
  if (item.state !== "succeeded" && item.state !== "failed")
    return { status: "skipped", reason: FINAL_STATE_TEXT[item.state] ?? item.state };
  const base = { itemId, leadId: item.leadId, state: item.state, reason: item.reason };
  const movedTo = item.state === "succeeded" ? item.stageOnSuccess : item.stageOnFailure;
  if (item.outcomeAppliedAt) {
    const result: CallbackOutcomeResult = { ...base, taskId: item.taskId, movedTo, alreadyApplied: true };
    return { status: "done", result };
  }
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { status: "skipped", reason: "аккаунт не найден" };
  const amo = amocrmClientFor(db, tenant);

  let task: { id: number | null; found: boolean } = { id: item.taskId, found: false };
  if (item.state === "failed" && item.taskOnFailure && item.taskId === null) {
    task = await failureTask(amo, item, {
      now,
      markSent: () =>
        db
          .update(callbackQueue)
          .set({ taskSentAt: now, updatedAt: sql`now()` })
          .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, itemId))),
    });
    if (task.id === null) return { status: "skipped", reason: `сделка #${item.leadId} не найдена в amoCRM` };
    await db
      .update(callbackQueue)
      .set({ taskId: task.id, updatedAt: sql`now()` })
      .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, itemId)));
  }
  // Moving the deal to the same stage again is harmless, so a retry after a lost answer simply repeats it.
  if (movedTo)
    await amo.updateLeads([
      { id: item.leadId, pipeline_id: movedTo.pipelineId, status_id: movedTo.statusId },
    ]);
  await db
    .update(callbackQueue)
    .set({ outcomeAppliedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(callbackQueue.tenantId, tenantId),
        eq(callbackQueue.id, itemId),
        isNull(callbackQueue.outcomeAppliedAt),
      ),
    );
  const result: CallbackOutcomeResult = {
    ...base,
    taskId: task.id,
    ...(task.found ? { taskFound: true as const } : {}),
    movedTo,
  };
  return { status: "done", result };
}

/**
 * The failure task on the deal, for the employee who was to call; for a group (no one person) the deal's
 * responsible, read from amoCRM. When a task was sent before (`task_sent_at`) it is looked for first: call
 * tasks of that user on the deal updated since shortly before it was sent whose text carries our marker
 * (one GET); otherwise the stamp is set, then the task written.
 * `id: null` when the deal no longer exists.
 */
async function failureTask(
  amo: AmocrmClient,
  item: CallbackQueueRow,
  { now, markSent }: { now: Date; markSent: () => Promise<unknown> },
): Promise<{ id: number | null; found: boolean }> {
  let userId = item.targetType === "group" ? null : item.targetAmoUserId;
  if (userId === null) {
    const lead = await amo.getLead(item.leadId, { withContacts: false });
    if (!lead || lead.isDeleted) return { id: null, found: false };
    userId = lead.responsibleUserId;
  }
  if (item.taskSentAt) {
    const since = item.taskSentAt;
    const marker = callbackTaskMarker(item.id);
    const existing = await amo.listTasks({
      taskType: TASK_TYPE_CALL,
      ...(userId !== null ? { responsibleUserId: userId } : {}),
      entity: { type: "leads", id: item.leadId },
      updatedFrom: Math.floor(since.getTime() / 1000) - 60,
    });
    const found = existing.find((t) => t.text?.includes(marker));
    if (found) return { id: found.id, found: true };
  } else await markSent();
  const [created] = await amo.createTasks([
    {
      text: failureTaskText(item),
      complete_till: Math.floor(now.getTime() / 1000) + FAILURE_TASK_DUE_S,
      task_type_id: TASK_TYPE_CALL,
      entity_type: "leads",
      entity_id: item.leadId,
      ...(userId !== null ? { responsible_user_id: userId } : {}),
    },
  ]);
  if (!created) throw new Error("amoCRM не вернул созданную задачу");
  return { id: created.id, found: false };
}
