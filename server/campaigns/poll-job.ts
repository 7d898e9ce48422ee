import { and, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { campaignTasks, mangoConnections, tenants } from "@/db/schema";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { defineJob, NonRetriableError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { pollCampaignTasks } from "./outcome";
import { nextPollDelayS } from "./outcome-verdict";
import { checkTechnicalTasks } from "./technical";

/**
 * `campaigns.poll`: one pass over the tenant's open campaign tasks (outcome.ts), then the next pass armed
 * for when the earliest open task is due. Runs are keyed by the whole minute they are due at, so any number
 * of wake-ups (every added task) and re-arms for the same minute make one run; a pass always arms a minute
 * after its own, so the chain never collapses into itself. One pass at a time per tenant (concurrency 1),
 * and the MANGO client waits for its request budgets.
 */
export const pollCampaignTasksJob = defineJob({
  id: "campaigns.poll",
  title: "Итог заданий кампаний обзвона",
  payload: z.object({ at: z.iso.datetime() }),
  // One journal group per day, like the callback dispatcher's: a pass every few minutes is not an event each.
  subjectKey: (p) => `campaigns.poll:${p.at.slice(0, 10)}`,
  options: { retries: 3, concurrency: { limit: 1 } },
  async handler(p, { db, tenantId, queue }) {
    if (!tenantId) throw new NonRetriableError("Итог заданий кампаний: у запуска нет аккаунта");
    // The run may start a little before its minute on some drivers: what is due is judged by the minute.
    const now = new Date(Math.max(Date.now(), Date.parse(p.at)));
    let mango: Awaited<ReturnType<typeof mangoClientFor>>;
    try {
      mango = await mangoClientFor(db, { tenantId });
    } catch (err) {
      // Not re-armed: the next added task wakes the chain again once MANGO is connected.
      if (err instanceof MangoNotConnectedError)
        return { status: "skipped", reason: "MANGO OFFICE не подключена — итог заданий не узнать" };
      throw err;
    }
    const result = await pollCampaignTasks(db, mango, { tenantId, now });
    // The technical tasks are looked at on the same passes (at most every 30 min each); a failure there
    // only waits for the next pass.
    const technical = await checkTechnicalTasks(db, mango, { tenantId, now }).catch((err: unknown) => ({
      error: err instanceof Error ? err.message : String(err),
    }));
    if (result.nextAt) await armCampaignPoll(queue, { tenantId, at: new Date(result.nextAt), now });
    return { status: "done", result: { ...result, technical } };
  },
});

const minuteAfter = (t: Date) => new Date(Math.floor(t.getTime() / 60_000) * 60_000 + 60_000);

/** The run of the whole minute after `at` (never earlier than the minute after `now`). */
export async function armCampaignPoll(
  queue: JobQueue,
  { tenantId, at, now = new Date() }: { tenantId: string; at: Date; now?: Date },
) {
  const minute = minuteAfter(at > now ? at : now);
  return queue.enqueue(
    pollCampaignTasksJob,
    { at: minute.toISOString() },
    {
      tenantId,
      idempotencyKey: `campaigns.poll:${tenantId}:${minute.toISOString()}`,
      delaySeconds: Math.max(0, (minute.getTime() - Date.now()) / 1000),
    },
  );
}

/** A task was just added to MANGO: its first question is due after the first backoff step. */
export async function wakeCampaignPoll(
  db: Db,
  queue: JobQueue,
  { tenantId, id, now = new Date() }: { tenantId: string; id: string; now?: Date },
) {
  const at = new Date(now.getTime() + nextPollDelayS(0) * 1000);
  await db
    .update(campaignTasks)
    .set({ nextPollAt: at, updatedAt: now })
    .where(and(eq(campaignTasks.tenantId, tenantId), eq(campaignTasks.id, id)));
  return armCampaignPoll(queue, { tenantId, at, now });
}

/** A chain whose next pass is this late has ended (a run that failed for good, MANGO disconnected then). */
export const POLL_CHAIN_LATE_MS = 10 * 60_000;

/**
 * The tenants whose open campaign tasks wait for a pass that is not coming: the earliest one is due for
 * longer than POLL_CHAIN_LATE_MS, the tenant is active and its MANGO connected (without it a pass would
 * only be skipped). The sweep arms their next pass.
 */
export async function tenantsWithStalledCampaignPolls(
  db: Db,
  { now = new Date() }: { now?: Date } = {},
): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: campaignTasks.tenantId })
    .from(campaignTasks)
    .innerJoin(tenants, eq(tenants.id, campaignTasks.tenantId))
    .innerJoin(
      mangoConnections,
      and(eq(mangoConnections.tenantId, campaignTasks.tenantId), eq(mangoConnections.status, "connected")),
    )
    .where(
      and(
        eq(tenants.status, "active"),
        inArray(campaignTasks.state, ["added", "duplicate"]),
        isNotNull(campaignTasks.mangoTaskId),
        isNull(campaignTasks.outcome),
        lt(campaignTasks.nextPollAt, new Date(now.getTime() - POLL_CHAIN_LATE_MS)),
      ),
    );
  return rows.map((r) => r.tenantId);
}

/**
 * Every 15 minutes: a tenant whose polling chain ended (its last run failed for good, or MANGO was
 * disconnected when a pass came and has been connected since) gets its next pass, so open tasks are not
 * left unasked until the next addition. The pass is keyed by its minute: a chain that is alive after all
 * makes no second run.
 */
export const campaignPollSweepJob = defineJob({
  id: "campaigns.poll-sweep",
  title: "Возобновление опроса заданий кампаний",
  payload: z.object({}),
  options: { cron: "*/15 * * * *", retries: 1 },
  async handler(_p, { db, queue }) {
    const now = new Date();
    const stalled = await tenantsWithStalledCampaignPolls(db, { now });
    let armed = 0;
    for (const tenantId of stalled) {
      const run = await armCampaignPoll(queue, { tenantId, at: now, now });
      if (run.created) armed++;
    }
    return { status: "done", result: { tenants: stalled.length, armed } };
  },
});
