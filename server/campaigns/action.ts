import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaignTasks } from "@/db/schema";
import type { CampaignAction } from "@/lib/domain/rules/schema";
import { clientPhoneOf } from "@/server/actions/client-phone";
import { type ActionContext, idempotencyKeyFor, type RuleActionHandler } from "@/server/actions/types";
import { maskPhone } from "@/server/log/mask";
import { getEffectiveSettings } from "@/server/settings/queries";
import { addCampaignTaskJob, enqueueCampaignAdd } from "./jobs";
import { sealCampaignPhone } from "./phone";
import { campaignPollSweepJob, pollCampaignTasksJob } from "./poll-job";

/**
 * «Добавить автозвонок в кампанию обзвона» (§2.5): the deal's client becomes one task of a Contact Center
 * outbound campaign — once per (deal, campaign), whatever rule or occurrence asks. Offered and acted on only
 * while «Интеграция с Контакт-центром» and «…заданий автозвонков в digital-воронке» are on; the MANGO side
 * (endless or not, duplicates, the technical task) is `campaigns.add` (add.ts).
 */

const NOT_DONE = "номер в кампанию не добавляется";
export const CC_OFF =
  "Добавление в кампании обзвона выключено: включите «Интеграция с Контакт-центром» и «Добавить возможность добавления заданий автозвонков в digital-воронке» в настройках";

async function enabled(db: Db, tenantId: string): Promise<boolean> {
  return (await getEffectiveSettings(db, { tenantId })).extra.contactCenter.dpTasks.enabled;
}

const campaignLabel = (a: CampaignAction) => `«${a.campaignName ?? `кампания #${a.campaignId}`}»`;

function resolve(ctx: ActionContext) {
  return clientPhoneOf(ctx.truth.mainContact, NOT_DONE);
}

export const campaignRuleAction: RuleActionHandler<"campaign"> = {
  kind: "campaign",
  title: "Кампания обзвона",
  alreadyDone: "Сделка уже добавлялась в эту кампанию",
  needsExtension: true,
  async problem(db, { tenantId }) {
    return (await enabled(db, tenantId)) ? null : CC_OFF;
  },
  async preview(db, ctx, action) {
    const base = { kind: "campaign" as const, title: "Кампания обзвона" };
    if (!(await enabled(db, ctx.tenantId))) return { ...base, would: [], skipped: [CC_OFF] };
    const client = resolve(ctx);
    if (!client.ok) return { ...base, would: [], skipped: [client.reason] };
    const [existing] = await db
      .select({ state: campaignTasks.state })
      .from(campaignTasks)
      .where(
        and(
          eq(campaignTasks.tenantId, ctx.tenantId),
          eq(campaignTasks.leadId, ctx.truth.lead.id),
          eq(campaignTasks.campaignId, action.campaignId),
        ),
      );
    if (existing) return { ...base, would: [], skipped: ["Сделка уже добавлялась в эту кампанию"] };
    return {
      ...base,
      would: [
        `Добавит ${maskPhone(client.phone)}${client.name ? ` (${client.name})` : ""} в кампанию ${campaignLabel(action)}.`,
      ],
      skipped: [],
    };
  },
  async plan(db, queue, ctx, action) {
    if (!(await enabled(db, ctx.tenantId))) return { queued: 0, skipped: [CC_OFF] };
    const client = resolve(ctx);
    if (!client.ok) return { queued: 0, skipped: [client.reason] };
    const id = randomUUID();
    const inserted = await db
      .insert(campaignTasks)
      .values({
        id,
        tenantId: ctx.tenantId,
        ruleId: ctx.rule.id,
        leadId: ctx.truth.lead.id,
        contactId: ctx.truth.mainContact?.id ?? null,
        campaignId: action.campaignId,
        campaignName: action.campaignName ?? null,
        idempotencyKey: idempotencyKeyFor(
          ctx.rule,
          ctx.truth.lead.id,
          ctx.event,
          `campaign:${action.campaignId}`,
        ),
        contactName: client.name,
        ...sealCampaignPhone({ tenantId: ctx.tenantId, id }, client.phone),
      })
      .onConflictDoNothing()
      .returning({ id: campaignTasks.id });
    // Another rule or occurrence already asked for this (deal, campaign): its task stands.
    if (inserted.length === 0) return { queued: 0, skipped: [] };
    await enqueueCampaignAdd(queue, { tenantId: ctx.tenantId, id, leadId: ctx.truth.lead.id });
    return { queued: 1, skipped: [] };
  },
  async earlier(db, { tenantId, ruleId, leadIds }) {
    if (leadIds.length === 0) return [];
    return db
      .select({
        leadId: campaignTasks.leadId,
        idempotencyKey: campaignTasks.idempotencyKey,
        createdAt: campaignTasks.createdAt,
      })
      .from(campaignTasks)
      .where(
        and(
          eq(campaignTasks.tenantId, tenantId),
          eq(campaignTasks.ruleId, ruleId),
          inArray(campaignTasks.leadId, leadIds),
        ),
      );
  },
  jobs: [addCampaignTaskJob, pollCampaignTasksJob, campaignPollSweepJob],
};
