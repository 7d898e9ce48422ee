import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaignTechnicalTasks } from "@/db/schema";
import type { MangoClient } from "@/server/mango/api";

/**
 * Whether each campaign's technical task is still there («технический таск: есть / удалён» on the rule
 * card). A person may delete it in MANGO; it is then not re-added silently (as in MANGO's widget) — the
 * additions go on until the campaign completes, and the completed campaign raises its alert. Read from the
 * campaign's task list (never `task` by id: an unknown id is a 3300, and two of those within two minutes
 * lock the key out), at most every CHECK_EVERY_MS per campaign, from the outcome polling's passes.
 */
export const CHECK_EVERY_MS = 30 * 60_000;

export async function checkTechnicalTasks(
  db: Db,
  mango: Pick<MangoClient, "listCampaignTasks">,
  { tenantId, now = new Date() }: { tenantId: string; now?: Date },
): Promise<{ checked: number; deleted: number[] }> {
  const rows = await db
    .select()
    .from(campaignTechnicalTasks)
    .where(
      and(
        eq(campaignTechnicalTasks.tenantId, tenantId),
        eq(campaignTechnicalTasks.state, "added"),
        isNotNull(campaignTechnicalTasks.mangoTaskId),
        lt(campaignTechnicalTasks.updatedAt, new Date(now.getTime() - CHECK_EVERY_MS)),
      ),
    );
  const deleted: number[] = [];
  for (const row of rows) {
    let present = false;
    let cursor: string | null = null;
    for (let page = 0; page < 200 && !present; page++) {
      const res = await mango.listCampaignTasks({ campaignIds: [row.campaignId], cursor });
      present = res.tasks.some((t) => t.taskId === row.mangoTaskId && t.status !== "deleted");
      cursor = res.cursor;
      if (!cursor) break;
    }
    if (!present) deleted.push(row.campaignId);
    await db
      .update(campaignTechnicalTasks)
      .set({ state: present ? "added" : "deleted", updatedAt: now })
      .where(
        and(
          eq(campaignTechnicalTasks.tenantId, tenantId),
          eq(campaignTechnicalTasks.campaignId, row.campaignId),
        ),
      );
  }
  return { checked: rows.length, deleted };
}

/** The tenant's technical tasks by campaign, for the rule cards. */
export async function technicalTaskStates(db: Db, { tenantId }: { tenantId: string }) {
  return db
    .select({ campaignId: campaignTechnicalTasks.campaignId, state: campaignTechnicalTasks.state })
    .from(campaignTechnicalTasks)
    .where(eq(campaignTechnicalTasks.tenantId, tenantId));
}
