import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { campaignTasks, campaignTechnicalTasks, jobRuns } from "@/db/schema";
import { DEMO_LINE_MAIN } from "@/emulators/mango/seed-constants";
import { createLocalQueue } from "@/inngest/local/queue";
import type { CampaignAction } from "@/lib/domain/rules/schema";
import { mangoClientFor } from "@/server/connections/mango";
import { evaluateRulesJob } from "@/server/rules/jobs";
import { saveRule } from "@/server/rules/store";
import { upsertUser } from "@/server/tenancy/queries";
import { drainJobs } from "@/test/db";
import { DECISION, type DpWorld, MANAGER, startDpWorld } from "@/test/dp-world";
import { CC_OFF, campaignRuleAction } from "./action";
import { addCampaignTaskOf, ensureTechnicalTask } from "./add";
import { campaignAlerts } from "./alerts";
import { addCampaignTaskJob } from "./jobs";
import { sealCampaignPhone } from "./phone";
import { CHECK_EVERY_MS, checkTechnicalTasks, technicalTaskStates } from "./technical";

/**
 * Issue 13, first slice, on PostgreSQL and both emulators: a DP rule adds the deal's client to a Contact
 * Center campaign — once per (deal, campaign) — with the technical task (the PBX's own number) added exactly
 * once per campaign even when first additions race; a number already in the campaign is no error; a
 * completed campaign fails with the reason; nothing happens while the Contact Center flags are off.
 */
const ENDLESS = { id: 56919, name: "Заявки с сайта" };
const FINITE = { id: 77002, name: "Продление договоров" };
const COMPLETED = { id: 1254251, name: "ММ Обзвон" };
const PAUSED = { id: 77001, name: "Опрос качества" };
const CLIENT = "+79161234567"; // the main contact of lead 167353

let w: DpWorld;
const CC_ON = { extra: { contactCenter: { enabled: true, dpTasks: { enabled: true } } } } as const;
const action = (c: { id: number; name: string }): CampaignAction => ({
  kind: "campaign",
  campaignId: c.id,
  campaignName: c.name,
  onNotReached: { task: false, stage: null },
});

type EmuTask = { taskId: number; campaignId: number; number: string; name: string; comment: string };
async function mangoTasks(campaignId: number): Promise<EmuTask[]> {
  const state = (await (await fetch(`${w.mango.url}/__control/state`)).json()) as {
    pbxes: { apiKey: string; tasks: EmuTask[] }[];
  };
  return state.pbxes
    .find((p) => p.apiKey === "demo-vpbx-key")!
    .tasks.filter((t) => t.campaignId === campaignId);
}
const digits = (n: string) => n.replace(/\D/g, "");
const rows = () => w.t.db.select().from(campaignTasks).where(eq(campaignTasks.tenantId, w.tenant.id));

beforeAll(async () => {
  w = await startDpWorld();
}, 60_000);
afterAll(() => w?.close());

describe("while the Contact Center flags are off", () => {
  it("the rule cannot be saved with the action, and a saved one is skipped with the reason", async () => {
    expect(await campaignRuleAction.problem(w.t.db, { tenantId: w.tenant.id, action: action(ENDLESS) })).toBe(
      CC_OFF,
    );
    await w.rule({ ...DECISION, name: "В кампанию", actions: [action(ENDLESS)] });
    await w.moveDeal(167353, DECISION.statusId, { responsible_user_id: MANAGER.amoUserId });
    await drainJobs(w.t.db, [evaluateRulesJob, addCampaignTaskJob]);
    expect(await rows()).toHaveLength(0);
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, evaluateRulesJob.id));
    expect(JSON.stringify(runs.map((r) => r.result ?? r.lastError))).toContain(
      "Добавление в кампании обзвона выключено",
    );
  });
});

describe("with the flags on", () => {
  beforeAll(async () => {
    await w.settings(CC_ON);
    // MANGO's limits run on its clock: a frozen clock would hold every window shut after ten requests.
    await fetch(`${w.mango.url}/__control/clock`, {
      method: "POST",
      body: JSON.stringify({ freeze: false, speed: 1 }),
    });
    // A second rule of the stage with the same campaign: the deal still gets one task (one per deal and campaign).
    await w.rule({ ...DECISION, name: "В кампанию тоже", actions: [action(ENDLESS)] });
  });

  it("the first addition adds the client's task and the technical task; a webhook thrice adds nothing more", async () => {
    const before = await mangoTasks(ENDLESS.id);
    const deliveries = await w.moveDeal(167353, 33929752, {}); // out of the stage …
    expect(deliveries).toBeDefined();
    // … and in again: a new occurrence (amoCRM's DP body carries whole seconds; the next one is another).
    await new Promise((r) => setTimeout(r, 1100));
    const moved = await w.moveDeal(167353, DECISION.statusId, {});
    const dp = moved.find((d) => d.url === w.dpUrl) as { body: string; contentType?: string | null };
    for (let i = 0; i < 2; i++)
      await fetch(w.dpUrl, {
        method: "POST",
        headers: { "content-type": dp.contentType ?? "application/json" },
        body: dp.body,
      });
    await drainJobs(w.t.db, [evaluateRulesJob, addCampaignTaskJob]);

    const [row] = await rows();
    expect(row).toMatchObject({ leadId: 167353, campaignId: ENDLESS.id, state: "added" });
    expect(row!.phone).not.toContain("1234567");
    const added = (await mangoTasks(ENDLESS.id)).filter((t) => !before.some((b) => b.taskId === t.taskId));
    expect(added.map((t) => digits(t.number)).sort()).toEqual([digits(CLIENT), DEMO_LINE_MAIN].sort());
    const client = added.find((t) => digits(t.number) === digits(CLIENT))!;
    expect(row!.mangoTaskId).toBe(client.taskId);
    expect(client.comment).toContain("/leads/detail/167353");
    const [technical] = await w.t.db
      .select()
      .from(campaignTechnicalTasks)
      .where(eq(campaignTechnicalTasks.tenantId, w.tenant.id));
    expect(technical).toMatchObject({ campaignId: ENDLESS.id, state: "added", number: `+${DEMO_LINE_MAIN}` });
  });

  it("a second addition adds no second technical task; the same number again is no error and no task", async () => {
    const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
    const before = await mangoTasks(ENDLESS.id);
    const add = async (leadId: number, phone: string) => {
      const id = crypto.randomUUID();
      await w.t.db.insert(campaignTasks).values({
        id,
        tenantId: w.tenant.id,
        leadId,
        campaignId: ENDLESS.id,
        idempotencyKey: `test:${leadId}`,
        ...sealCampaignPhone({ tenantId: w.tenant.id, id }, phone),
      });
      return addCampaignTaskOf(w.t.db, mango, { tenantId: w.tenant.id, id });
    };
    expect(await add(900_001, "+79035550001")).toMatchObject({
      status: "done",
      result: { state: "added", technicalTask: false },
    });
    expect(await add(900_002, CLIENT)).toMatchObject({ status: "done", result: { state: "duplicate" } });
    const added = (await mangoTasks(ENDLESS.id)).filter((t) => !before.some((b) => b.taskId === t.taskId));
    expect(added.map((t) => digits(t.number))).toEqual(["79035550001"]);
    const [dup] = (await rows()).filter((r) => r.leadId === 900_002);
    expect(dup).toMatchObject({
      state: "duplicate",
      reason: "Номер уже был в кампании: второе задание не создано",
    });
    expect(dup!.mangoTaskId).not.toBeNull();
  });

  it("a technical task a person deleted in MANGO is seen as deleted and not re-added", async () => {
    const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
    const [claim] = await w.t.db
      .select()
      .from(campaignTechnicalTasks)
      .where(
        and(
          eq(campaignTechnicalTasks.tenantId, w.tenant.id),
          eq(campaignTechnicalTasks.campaignId, ENDLESS.id),
        ),
      );
    expect(claim).toMatchObject({ state: "added" });
    // Checked at most every 30 minutes: a check right after the addition asks MANGO nothing.
    expect(await checkTechnicalTasks(w.t.db, mango, { tenantId: w.tenant.id })).toEqual({
      checked: 0,
      deleted: [],
    });
    await mango.deleteCampaignTask({ campaignId: ENDLESS.id, taskId: claim!.mangoTaskId! });
    const later = new Date(Date.now() + CHECK_EVERY_MS + 1000);
    expect(await checkTechnicalTasks(w.t.db, mango, { tenantId: w.tenant.id, now: later })).toEqual({
      checked: 1,
      deleted: [ENDLESS.id],
    });
    expect(await technicalTaskStates(w.t.db, { tenantId: w.tenant.id })).toContainEqual({
      campaignId: ENDLESS.id,
      state: "deleted",
    });
    const campaign = (await mango.listCampaigns()).find((c) => c.id === ENDLESS.id)!;
    expect(await ensureTechnicalTask(w.t.db, mango, { tenantId: w.tenant.id, campaign })).toBe("exists");
    // Only the deleted one (MANGO keeps it, status 6 «удалено»): nothing was added again.
    const technical = (await mangoTasks(ENDLESS.id)).filter((t) => digits(t.number) === DEMO_LINE_MAIN);
    expect(technical.map((t) => (t as EmuTask & { status: number }).status)).toEqual([6]);
  });

  it("a campaign that is not endless takes tasks/push, and the task id is found in its list", async () => {
    const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
    const id = crypto.randomUUID();
    await w.t.db.insert(campaignTasks).values({
      id,
      tenantId: w.tenant.id,
      leadId: 900_010,
      campaignId: FINITE.id,
      campaignName: FINITE.name,
      idempotencyKey: "test:finite",
      ...sealCampaignPhone({ tenantId: w.tenant.id, id }, "+79035550010"),
    });
    const out = await addCampaignTaskOf(w.t.db, mango, { tenantId: w.tenant.id, id });
    const task = (await mangoTasks(FINITE.id)).find((t) => digits(t.number) === "79035550010");
    expect(task).toBeDefined();
    expect(out).toMatchObject({ status: "done", result: { state: "added", taskId: task!.taskId } });
  });

  it("a completed campaign: failed with the reason, a note on the deal, an alert until the rule is changed", async () => {
    const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
    const rule = await w.rule({
      ...DECISION,
      name: "В завершённую",
      enabled: false,
      actions: [action(COMPLETED)],
    });
    const id = crypto.randomUUID();
    await w.t.db.insert(campaignTasks).values({
      id,
      tenantId: w.tenant.id,
      ruleId: rule.id,
      leadId: 167353,
      campaignId: COMPLETED.id,
      campaignName: COMPLETED.name,
      idempotencyKey: "test:completed",
      ...sealCampaignPhone({ tenantId: w.tenant.id, id }, "+79035550020"),
    });
    const reason = `Кампания «${COMPLETED.name}» завершена — номер не добавлен`;
    const before = (await mangoTasks(COMPLETED.id)).length;
    await expect(addCampaignTaskOf(w.t.db, mango, { tenantId: w.tenant.id, id })).rejects.toThrow(reason);
    expect((await mangoTasks(COMPLETED.id)).length).toBe(before);
    const [row] = (await rows()).filter((r) => r.id === id);
    expect(row).toMatchObject({ state: "failed", resultCode: 5106, reason });
    const notes = (await w.amoState()).notes.filter(
      (n) => n.entity_type === "leads" && n.entity_id === 167353,
    );
    expect(notes.filter((n) => (n.params as { text?: string }).text === reason)).toHaveLength(1);

    const alerts = await campaignAlerts(w.t.db, { tenantId: w.tenant.id });
    expect(alerts).toEqual([
      expect.objectContaining({
        ruleId: rule.id,
        ruleName: "В завершённую",
        campaignName: COMPLETED.name,
        refused: 1,
      }),
    ]);
    // Someone changes the rule (e.g. picks another campaign): the alert is gone.
    const { id: ruleId, version: _v, authorAmoUserId, ...draft } = rule;
    const actor = await upsertUser(w.t.db, { amocrmUserId: MANAGER.amoUserId, name: MANAGER.name });
    await saveRule(w.t.db, {
      tenantId: w.tenant.id,
      actorUserId: actor.id,
      authorAmoUserId,
      id: ruleId,
      draft,
    });
    expect(await campaignAlerts(w.t.db, { tenantId: w.tenant.id })).toEqual([]);
  });

  it("20 first additions racing on two pools add exactly one technical task", async () => {
    // A second pool on the same database: another instance.
    const other = await openDb({ databaseUrl: w.t.url, max: 4 });
    try {
      const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
      const campaign = (await mango.listCampaigns()).find((c) => c.id === PAUSED.id)!;
      expect(
        await mangoTasks(PAUSED.id).then((t) => t.filter((x) => digits(x.number) === DEMO_LINE_MAIN)),
      ).toEqual([]);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ensureTechnicalTask(i % 2 ? other.db : w.t.db, mango, { tenantId: w.tenant.id, campaign }),
        ),
      );
      expect(outcomes.filter((o) => o === "added")).toHaveLength(1);
      const technical = (await mangoTasks(PAUSED.id)).filter((t) => digits(t.number) === DEMO_LINE_MAIN);
      expect(technical).toHaveLength(1);
      const [claim] = await w.t.db
        .select()
        .from(campaignTechnicalTasks)
        .where(
          and(
            eq(campaignTechnicalTasks.tenantId, w.tenant.id),
            eq(campaignTechnicalTasks.campaignId, PAUSED.id),
          ),
        );
      expect(claim).toMatchObject({ state: "added" });
    } finally {
      await other.close();
    }
  });

  it("MANGO's limits (5107, 5108, 5113) fail the run at once with the code and a Russian reason; nothing is added", async () => {
    const mango = await mangoClientFor(w.t.db, { tenantId: w.tenant.id });
    const control = (path: string, body: unknown) =>
      fetch(`${w.mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    const queue = createLocalQueue(w.t.db);
    const refusedWith = async (n: number, campaign: { id: number; name: string }) => {
      const id = crypto.randomUUID();
      await w.t.db.insert(campaignTasks).values({
        id,
        tenantId: w.tenant.id,
        leadId: 900_100 + n,
        campaignId: campaign.id,
        campaignName: campaign.name,
        idempotencyKey: `test:limit:${n}`,
        ...sealCampaignPhone({ tenantId: w.tenant.id, id }, `+7903555${String(n).padStart(4, "0")}`),
      });
      const before = (await mangoTasks(campaign.id)).length;
      await queue.enqueue(
        addCampaignTaskJob,
        { taskRowId: id },
        { tenantId: w.tenant.id, idempotencyKey: id },
      );
      await drainJobs(w.t.db, [addCampaignTaskJob]);
      expect((await mangoTasks(campaign.id)).length).toBe(before);
      const [run] = (
        await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, addCampaignTaskJob.id))
      ).filter((r) => (r.payload as { taskRowId: string }).taskRowId === id);
      expect(run).toMatchObject({ status: "failed", attempts: 1 });
      const [row] = (await rows()).filter((r) => r.id === id);
      return { row: row!, error: run!.lastError ?? "" };
    };

    // 5108: the campaign's active tasks at its limit.
    await control("task-limits", { activePerCampaign: 0 });
    const perCampaign = await refusedWith(1, ENDLESS);
    const reason5108 = `MANGO не добавил номер в кампанию «${ENDLESS.name}»: код 5108 — Превышен лимит активных заданий кампании`;
    expect(perCampaign.row).toMatchObject({ state: "failed", resultCode: 5108, reason: reason5108 });
    expect(perCampaign.error).toContain(reason5108);

    // 5113: the account's active tasks at its limit.
    await control("task-limits", { activePerCampaign: null, activeTotal: 0 });
    const total = await refusedWith(2, ENDLESS);
    expect(total.row).toMatchObject({ state: "failed", resultCode: 5113 });
    expect(total.error).toContain("код 5113 — Превышен общий лимит активных заданий");
    await control("task-limits", { activeTotal: null });

    // 5107: a campaign holding 10 000 tasks takes no more.
    const live = (await mangoTasks(PAUSED.id)).length;
    await mango.pushCampaignTasks(
      PAUSED.id,
      Array.from({ length: 10_000 - live }, (_, i) => ({ number: `+7904${String(i).padStart(7, "0")}` })),
    );
    await expect.poll(async () => (await mangoTasks(PAUSED.id)).length).toBe(10_000);
    const full = await refusedWith(3, PAUSED);
    expect(full.row).toMatchObject({ state: "failed", resultCode: 5107 });
    expect(full.error).toContain("код 5107 — Превышено число заданий в кампании (10 000)");
  });
});
