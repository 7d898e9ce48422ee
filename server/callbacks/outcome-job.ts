import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { callbacksAwaitingOutcome, expireStaleCallbacks, tenantsWithCallbackLeftovers } from "./expire";
import { applyCallbackOutcome } from "./outcome";

const outcomePayload = z.object({
  itemId: z.uuid(),
  /** The deal, for the journal's subject only; the handler reads the item. */
  leadId: z.number().int().optional(),
});

/**
 * The consequences of one finished auto-callback in amoCRM (outcome.ts). One run per item (the idempotency
 * key), and the item's `outcome_applied_at` / `task_id` make a retried or repeated run write nothing twice.
 * Its requests go through the account's shared 7 rps budget (amocrmClientFor).
 */
export const callbackOutcomeJob = defineJob({
  id: "callbacks.outcome",
  title: "Итог автоперезвона в amoCRM",
  payload: outcomePayload,
  subject: (p) => (p.leadId ? `Сделка #${p.leadId}` : undefined),
  subjectKey: (p) => `callback:${p.itemId}`,
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId }) => {
    if (!tenantId) return { status: "skipped", reason: "без аккаунта" };
    try {
      return await applyCallbackOutcome(db, { tenantId, itemId: p.itemId });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});

/**
 * Asks for an item's outcome run: once per item whoever asks (the correlation of MANGO's events, the
 * dispatcher after a synchronous refusal, the sweep). `delaySeconds` lets late events still correct a failure.
 */
export async function enqueueCallbackOutcome(
  queue: JobQueue,
  item: { tenantId: string; id: string; leadId: number },
  { delaySeconds = 0 }: { delaySeconds?: number } = {},
) {
  return queue.enqueue(
    callbackOutcomeJob,
    { itemId: item.id, leadId: item.leadId },
    { tenantId: item.tenantId, idempotencyKey: `callback-outcome:${item.id}`, delaySeconds },
  );
}

/**
 * Every 5 minutes: dialing items MANGO never reported the end of become expired (expire.ts: 15 minutes after
 * dispatch, so at most ~20), and final items whose outcome was never applied get their run (a process that
 * died between deciding the item and enqueuing; the per-item key makes this a no-op when the run exists).
 */
export const callbackOutcomeSweepJob = defineJob({
  id: "callbacks.outcome-sweep",
  title: "Автоперезвоны без итога",
  payload: z.object({}),
  options: { cron: "*/5 * * * *", retries: 1 },
  handler: async (_p, { db, queue }) => {
    const now = new Date();
    let expired = 0;
    let enqueued = 0;
    const tenants = await tenantsWithCallbackLeftovers(db, { now });
    for (const tenantId of tenants) {
      expired += (await expireStaleCallbacks(db, { tenantId, now })).length;
      for (const item of await callbacksAwaitingOutcome(db, { tenantId, now })) {
        const run = await enqueueCallbackOutcome(queue, { tenantId, ...item });
        if (run.created) enqueued++;
      }
    }
    return { status: "done", result: { tenants: tenants.length, expired, enqueued } };
  },
});

/** The callback action's jobs (its `RuleActionHandler.jobs`), for both job drivers. */
export const callbackOutcomeJobs = [callbackOutcomeJob, callbackOutcomeSweepJob];
