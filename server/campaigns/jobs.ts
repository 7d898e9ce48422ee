import { z } from "zod";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { defineJob, NonRetriableError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { addCampaignTaskOf, CampaignRefusal } from "./add";
import { wakeCampaignPoll } from "./poll-job";

/**
 * One campaign task to MANGO (add.ts). Contact Center methods go through the tenant's MANGO client, whose
 * request budget is shared in PostgreSQL (no 5008). A refusal (completed campaign, limits) fails at once
 * with MANGO's code and a Russian reason; MANGO unreachable is retried. A task in MANGO wakes the polling
 * of its outcome.
 */
export const addCampaignTaskJob = defineJob({
  id: "campaigns.add",
  title: "Добавление в кампанию обзвона",
  payload: z.object({ taskRowId: z.uuid(), leadId: z.number().int().positive().optional() }),
  subject: (p) => (p.leadId ? `Сделка #${p.leadId}` : undefined),
  subjectKey: (p) => `campaign-task:${p.taskRowId}`,
  options: { retries: 5, concurrency: { limit: 2 } },
  async handler(p, { db, tenantId, queue }) {
    if (!tenantId) throw new NonRetriableError("Кампания обзвона: у запуска нет аккаунта");
    try {
      const mango = await mangoClientFor(db, { tenantId });
      const out = await addCampaignTaskOf(db, mango, { tenantId, id: p.taskRowId });
      // MANGO sends nothing when the task ends: its outcome is polled from now on (poll-job.ts).
      const state = out.status === "done" ? (out.result as { state?: string } | undefined)?.state : undefined;
      if (state === "added" || state === "duplicate")
        await wakeCampaignPoll(db, queue, { tenantId, id: p.taskRowId });
      return out;
    } catch (err) {
      if (err instanceof CampaignRefusal) throw new NonRetriableError(err.message);
      if (err instanceof MangoNotConnectedError) throw new NonRetriableError("MANGO OFFICE не подключена");
      throw err;
    }
  },
});

export async function enqueueCampaignAdd(
  queue: JobQueue,
  { tenantId, id, leadId }: { tenantId: string; id: string; leadId: number },
) {
  return queue.enqueue(
    addCampaignTaskJob,
    { taskRowId: id, leadId },
    { tenantId, idempotencyKey: `campaigns.add:${id}` },
  );
}
