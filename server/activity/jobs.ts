import { and, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { activityLog, jobRuns, webhookInbox, webhookRejectionWindows } from "@/db/schema";
import { defineJob } from "@/server/jobs/define";

export const ACTIVITY_RETENTION_DAYS = 90;

/** Nightly: the journal, finished runs, the inbox and the rejection counters keep 90 days. */
export const pruneActivity = defineJob({
  id: "activity.prune",
  title: "Очистка журнала",
  payload: z.object({}),
  options: { cron: "30 3 * * *", retries: 2 },
  handler: async (_p, { db }) => {
    const before = new Date(Date.now() - ACTIVITY_RETENTION_DAYS * 86_400_000);
    const journal = await db
      .delete(activityLog)
      .where(lt(activityLog.updatedAt, before))
      .returning({ id: activityLog.id });
    await db
      .delete(jobRuns)
      .where(
        and(
          lt(jobRuns.updatedAt, before),
          inArray(jobRuns.status, ["done", "skipped", "failed", "cancelled"]),
        ),
      );
    await db.delete(webhookInbox).where(lt(webhookInbox.createdAt, before));
    await db.delete(webhookRejectionWindows).where(lt(webhookRejectionWindows.windowStart, before));
    return { status: "done", result: { journalEntriesRemoved: journal.length } };
  },
});
