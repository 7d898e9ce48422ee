import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CampaignTaskRow, campaignTasks, campaignTechnicalTasks } from "@/db/schema";
import { textNote } from "@/server/amocrm/requests";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { JobOutcome } from "@/server/jobs/define";
import type { MangoClient } from "@/server/mango/api";
import type { MangoCampaign } from "@/server/mango/domain";
import { MangoCampaignError } from "@/server/mango/errors";
import { toMangoNumber } from "@/server/phone/normalize";
import { getTenant } from "@/server/tenancy/queries";
import { openCampaignPhone } from "./phone";

/**
 * `campaigns.add`: one queued campaign task goes to MANGO. The campaign is read first (`campaign/list`):
 * gone or completed → failed with the reason; endless → `task/add` (its id comes back); otherwise the
 * documented alternative `tasks/push` (no id back: found afterwards in the campaign's task list). The
 * number already in the campaign (5109) is "already there": no error, no second task. On the first
 * addition to a campaign the technical task (the PBX's own number) is added once — the claim row in
 * `campaign_technical_tasks` decides who adds it when first additions race. No transaction is held across
 * a MANGO request.
 */

/** A claim in `adding` older than this is taken over (its process died between the claim and MANGO). */
const CLAIM_STALE_MS = 5 * 60_000;

export type CampaignMango = Pick<
  MangoClient,
  "listCampaigns" | "addCampaignTask" | "pushCampaignTasks" | "listCampaignTasks" | "getLines"
>;

const label = (row: Pick<CampaignTaskRow, "campaignId" | "campaignName">, c?: MangoCampaign) =>
  `«${c?.name ?? row.campaignName ?? `кампания #${row.campaignId}`}»`;

async function settle(
  db: Db,
  row: CampaignTaskRow,
  set: Partial<Pick<CampaignTaskRow, "state" | "mangoTaskId" | "reason" | "resultCode" | "addedAt">>,
) {
  await db
    .update(campaignTasks)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(campaignTasks.tenantId, row.tenantId), eq(campaignTasks.id, row.id)));
}

/** The task id of `number` in the campaign (tasks/push answers none; a 5109 means it is already there). */
async function findTaskId(mango: CampaignMango, campaignId: number, number: string): Promise<number | null> {
  const digits = number.replace(/\D/g, "");
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res = await mango.listCampaignTasks({ campaignIds: [campaignId], cursor });
    const hit = res.tasks.find((t) => t.number.replace(/\D/g, "") === digits);
    if (hit) return hit.taskId;
    cursor = res.cursor;
    if (!cursor) return null;
  }
  return null;
}

/** Adds one task the way the campaign takes it; 5109 = already there (its id looked up). */
async function putTask(
  mango: CampaignMango,
  campaign: MangoCampaign,
  task: { number: string; name?: string; comment?: string },
): Promise<{ taskId: number | null; duplicate: boolean }> {
  try {
    if (campaign.endless) {
      const { taskId } = await mango.addCampaignTask({ campaignId: campaign.id, ...task });
      return { taskId, duplicate: false };
    }
    await mango.pushCampaignTasks(campaign.id, [task]);
    return { taskId: await findTaskId(mango, campaign.id, task.number), duplicate: false };
  } catch (err) {
    if (err instanceof MangoCampaignError && err.code === 5109)
      return { taskId: await findTaskId(mango, campaign.id, task.number), duplicate: true };
    throw err;
  }
}

/**
 * The technical task of the campaign, once: the first addition claims it (insert, or take over a stale
 * claim), adds the PBX's own number (its first line), and records it; a failure drops the claim so a later
 * addition tries again. Already added, or claimed by a live addition: nothing to do.
 */
export async function ensureTechnicalTask(
  db: Db,
  mango: CampaignMango,
  { tenantId, campaign }: { tenantId: string; campaign: MangoCampaign },
): Promise<"added" | "exists"> {
  const claimed = await db
    .insert(campaignTechnicalTasks)
    .values({ tenantId, campaignId: campaign.id })
    .onConflictDoUpdate({
      target: [campaignTechnicalTasks.tenantId, campaignTechnicalTasks.campaignId],
      set: { updatedAt: sql`now()` },
      setWhere: and(
        eq(campaignTechnicalTasks.state, "adding"),
        lt(campaignTechnicalTasks.updatedAt, sql`now() - make_interval(secs => ${CLAIM_STALE_MS / 1000})`),
      ),
    })
    .returning({ state: campaignTechnicalTasks.state });
  if (claimed.length === 0) return "exists";
  const release = () =>
    db
      .delete(campaignTechnicalTasks)
      .where(
        and(
          eq(campaignTechnicalTasks.tenantId, tenantId),
          eq(campaignTechnicalTasks.campaignId, campaign.id),
          eq(campaignTechnicalTasks.state, "adding"),
        ),
      );
  try {
    const line = (await mango.getLines()).find((l) => l.phone) ?? null;
    if (!line?.phone) throw new Error("у АТС нет номера для технического задания");
    const number = `+${toMangoNumber(line.phone)}`;
    const { taskId } = await putTask(mango, campaign, {
      number,
      name: "Технический таск Amango",
      comment: "Не удаляйте: без этого задания кампания завершится, когда задания закончатся",
    });
    await db
      .update(campaignTechnicalTasks)
      .set({ state: "added", number, mangoTaskId: taskId, addedAt: new Date(), updatedAt: new Date() })
      .where(
        and(
          eq(campaignTechnicalTasks.tenantId, tenantId),
          eq(campaignTechnicalTasks.campaignId, campaign.id),
        ),
      );
    return "added";
  } catch (err) {
    await release();
    throw err;
  }
}

export async function addCampaignTaskOf(
  db: Db,
  mango: CampaignMango,
  { tenantId, id }: { tenantId: string; id: string },
): Promise<JobOutcome> {
  const [row] = await db
    .select()
    .from(campaignTasks)
    .where(and(eq(campaignTasks.tenantId, tenantId), eq(campaignTasks.id, id)));
  if (!row) return { status: "skipped", reason: "Задание кампании удалено" };
  if (row.state !== "queued")
    return { status: "done", result: { state: row.state, taskId: row.mangoTaskId } };

  const campaign = (await mango.listCampaigns()).find((c) => c.id === row.campaignId);
  if (!campaign) {
    const reason = `Кампании ${label(row)} больше нет в MANGO OFFICE — номер не добавлен`;
    await settle(db, row, { state: "failed", reason });
    throw new CampaignRefusal(reason);
  }
  if (campaign.status === "completed" || campaign.status === "deleting") {
    const reason = `Кампания ${label(row, campaign)} завершена — номер не добавлен`;
    await settle(db, row, { state: "failed", reason, resultCode: 5106 });
    throw new CampaignRefusal(await noteOnDeal(db, row, reason));
  }
  const tenant = await getTenant(db, { tenantId });
  const number = openCampaignPhone(row);
  try {
    // Inside the try: MANGO refusing the technical task (a limit) refuses the client's number as well.
    const technical = await ensureTechnicalTask(db, mango, { tenantId, campaign });
    const put = await putTask(mango, campaign, {
      number,
      ...(row.contactName ? { name: row.contactName } : {}),
      comment: `Сделка amoCRM: ${tenant?.amocrmBaseUrl.replace(/\/+$/, "") ?? ""}/leads/detail/${row.leadId}`,
    });
    await settle(db, row, {
      state: put.duplicate ? "duplicate" : "added",
      mangoTaskId: put.taskId,
      addedAt: new Date(),
      reason: put.duplicate ? "Номер уже был в кампании: второе задание не создано" : null,
    });
    return {
      status: "done",
      result: {
        campaign: campaign.name,
        state: put.duplicate ? "duplicate" : "added",
        taskId: put.taskId,
        technicalTask: technical === "added",
      },
    };
  } catch (err) {
    if (err instanceof MangoCampaignError) {
      const reason = `MANGO не добавил номер в кампанию ${label(row, campaign)}: код ${err.code} — ${err.humanMessage}`;
      await settle(db, row, { state: "failed", reason, resultCode: err.code });
      throw new CampaignRefusal(reason);
    }
    throw err;
  }
}

/**
 * The refusal written on the deal too, so the manager sees it where they work. The row is already failed:
 * a note amoCRM does not take only changes the journal's reason, never the outcome.
 */
async function noteOnDeal(db: Db, row: CampaignTaskRow, reason: string): Promise<string> {
  const tenant = await getTenant(db, { tenantId: row.tenantId });
  if (!tenant) return reason;
  try {
    await amocrmClientFor(db, tenant).addNotes("leads", [textNote(row.leadId, reason)]);
    return reason;
  } catch (err) {
    return `${reason} (примечание в сделку не записано: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/** A refusal that no retry changes: the run fails at once with this reason (jobs.ts). */
export class CampaignRefusal extends Error {
  override name = "CampaignRefusal";
}
