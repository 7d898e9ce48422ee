import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { runCallTopics } from "./poll";

export const topicsPollPayload = z.object({
  callId: z.uuid(),
  entryId: z.string().min(1).max(200),
  /** Which question this run is (0 = the first after the summary): part of the idempotency key. */
  poll: z.number().int().min(0).max(1000),
});

/**
 * `topics.poll`: one question to MANGO about a call's topics, then either the next question armed (nothing
 * yet) or the note written. A chain per call, each link keyed by its number, so a retried run arms the same
 * next link and no question is asked twice by two runs. Runs are delayed jobs: nothing is held open while
 * waiting. In the call's journal group.
 */
export const pollCallTopicsJob = defineJob({
  id: "topics.poll",
  title: "Тематики звонка Контакт-центра",
  payload: topicsPollPayload,
  subjectKey: (p) => `call:${p.entryId}`,
  // The MANGO client waits for the Contact Center's budget (10 rps per key); amoCRM's is shared with calls.
  options: { retries: 5, concurrency: { limit: 2 } },
  async handler(p, { db, tenantId, queue }) {
    if (!tenantId) return { status: "skipped", reason: "звонок без аккаунта" };
    try {
      const out = await runCallTopics(db, { tenantId, callId: p.callId });
      if (out.nextAt)
        await armTopicsPoll(queue, {
          tenantId,
          callId: p.callId,
          entryId: p.entryId,
          poll: p.poll + 1,
          at: out.nextAt,
        });
      return out.outcome;
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});

export async function armTopicsPoll(
  queue: JobQueue,
  o: { tenantId: string; callId: string; entryId: string; poll: number; at: Date; now?: Date },
) {
  const now = o.now ?? new Date();
  return queue.enqueue(
    pollCallTopicsJob,
    { callId: o.callId, entryId: o.entryId, poll: o.poll },
    {
      tenantId: o.tenantId,
      idempotencyKey: `topics:${o.callId}:${o.poll}`,
      delaySeconds: Math.max(0, (o.at.getTime() - now.getTime()) / 1000),
      subjectKey: `call:${o.entryId}`,
    },
  );
}
