import { and, count, desc, eq, gt, max, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaignTasks, rules } from "@/db/schema";

/**
 * «Кампания завершена» is never silent: besides the journal and the note on the deal, the rule whose
 * additions a completed campaign refused is listed on «Обзор» (and its card) until someone changes the rule —
 * a refusal newer than the rule's last save is an alert, an older one was seen and dealt with.
 */
export type CampaignAlert = {
  ruleId: string;
  ruleName: string;
  campaignId: number;
  campaignName: string | null;
  refused: number;
  lastAt: Date;
};

export async function campaignAlerts(db: Db, { tenantId }: { tenantId: string }): Promise<CampaignAlert[]> {
  const rows = await db
    .select({
      ruleId: rules.id,
      ruleName: sql<string>`coalesce(${rules.document}->>'name', '')`,
      campaignId: campaignTasks.campaignId,
      campaignName: max(campaignTasks.campaignName),
      refused: count(),
      lastAt: max(campaignTasks.updatedAt),
    })
    .from(campaignTasks)
    .innerJoin(rules, and(eq(rules.tenantId, tenantId), eq(rules.id, campaignTasks.ruleId)))
    .where(
      and(
        eq(campaignTasks.tenantId, tenantId),
        eq(campaignTasks.state, "failed"),
        eq(campaignTasks.resultCode, 5106),
        gt(campaignTasks.updatedAt, rules.updatedAt),
      ),
    )
    .groupBy(rules.id, campaignTasks.campaignId)
    .orderBy(desc(max(campaignTasks.updatedAt)));
  return rows.map((r) => ({ ...r, lastAt: r.lastAt ?? new Date(0) }));
}
