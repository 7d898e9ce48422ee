// The call card of a Contact Center campaign call (issue 6 "Call card", mango-cc-and-widget.md §2.4): MANGO's
// campaign autocall (ObDial) rings the operator with the task's client, and the card shows what the campaign
// task says about that client next to amoCRM's answer. Shown only with «Интеграция с Контакт-центром» on;
// with «Открывать в отдельной вкладке карточку сделки при автозвонке» on, the card names the deal the
// widget opens in a new tab.
import type { Db } from "@/db/client";
import type { CampaignClient } from "@/server/calls/write/campaign";
import { mangoClientFor } from "@/server/connections/mango";
import { loggerFor } from "@/server/log/logger";
import { getEffectiveSettings } from "@/server/settings/queries";
import type { CardClient } from "./card";

/** What the campaign task carries about the client (the task is the client: MANGO dials its numbers). */
export type CardCampaign = {
  taskId: number;
  campaignId: number | null;
  campaignName: string | null;
  clientName: string | null;
  /** The task's number (normalized), and the alternative numbers MANGO may dial instead. */
  phone: string | null;
  alternativeNumbers: string[];
  comment: string | null;
};

/** The effective settings a campaign card depends on. */
export type CampaignCardSettings = { enabled: boolean; openDealInNewTab: boolean };

export async function campaignCardSettings(db: Db, tenantId: string): Promise<CampaignCardSettings> {
  const cc = (await getEffectiveSettings(db, { tenantId })).extra.contactCenter;
  return { enabled: cc.enabled, openDealInNewTab: cc.dpTasks.openDealInNewTab };
}

/** Before MANGO answered (or when it could not): the card still says it is a campaign call. */
export const emptyCampaign = (taskId: number): CardCampaign => ({
  taskId,
  campaignId: null,
  campaignName: null,
  clientName: null,
  phone: null,
  alternativeNumbers: [],
  comment: null,
});

/**
 * The campaign task and its campaign's name, from MANGO. Never throws: MANGO not connected, the task gone,
 * or MANGO failing leaves the card with just the task id (the amoCRM part of the card still comes).
 */
export async function cardCampaignOf(db: Db, tenantId: string, taskId: number): Promise<CardCampaign> {
  try {
    const mango = await mangoClientFor(db, { tenantId });
    const task = await mango.getCampaignTask(taskId);
    const campaign = (await mango.listCampaigns()).find((c) => c.id === task.campaignId);
    return {
      taskId,
      campaignId: task.campaignId,
      campaignName: campaign?.name ?? null,
      clientName: task.name || null,
      phone: task.phone ?? (task.number || null),
      alternativeNumbers: task.alternativeNumbers,
      comment: task.comment || null,
    };
  } catch (err) {
    loggerFor({ tenantId }).warn({ err: String(err), taskId }, "call card: campaign task lookup failed");
    return emptyCampaign(taskId);
  }
}

/** The same facts in the shape the ЦОВ contact fields are filled from (campaign.ts `ccContactFields`). */
export function campaignClientOfCard(c: CardCampaign): CampaignClient {
  return {
    campaignId: c.campaignId,
    campaignName: c.campaignName,
    clientId: c.taskId,
    clientName: c.clientName,
  };
}

/** The deal the widget opens in a new tab: the contact's first open deal, if any. */
export function openDealUrlOf(client: CardClient | null): string | null {
  return client?.status === "known" ? (client.leads[0]?.url ?? null) : null;
}
