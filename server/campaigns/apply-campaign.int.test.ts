import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignTasks } from "@/db/schema";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { DEMO_LINE_MAIN } from "@/emulators/mango/seed-constants";
import { createLocalQueue } from "@/inngest/local/queue";
import { applicationStatus, startApplyToCurrentDeals } from "@/server/rules/apply-current";
import { applyRuleToCurrentDealsJob } from "@/server/rules/apply-jobs";
import { drainJobs } from "@/test/db";
import { type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";
import { addCampaignTaskJob } from "./jobs";

/**
 * Issue 13 acceptance 6 on PostgreSQL and both emulators: "apply to current deals" with the campaign action
 * on 300 deals — a task per deal (plus one technical task), progress to 100 %, no 5008 / 429 from MANGO
 * (our budgets wait for MANGO's limits, kept in PostgreSQL) and no 429 from amoCRM.
 */
const DEALS = 300;
const ENDLESS = 56919;
const leadId = (i: number) => 8_500_000 + i * 2;
const number = (i: number) => `7903${String(i).padStart(7, "0")}`;

let w: DpWorld;
beforeAll(async () => {
  w = await startDpWorld();
  // MANGO's limits run on its clock: it must run for its windows to open again.
  await fetch(`${w.mango.url}/__control/clock`, {
    method: "POST",
    body: JSON.stringify({ freeze: false, speed: 1 }),
  });
}, 60_000);
afterAll(() => w?.close());

type MangoRequest = { path: string; status: number; code: number | null };

describe("apply to current deals with the campaign action on 300 deals", () => {
  it("adds 300 tasks and one technical task, progress 100 %, no 5008 / 429 from MANGO, no 429 from amoCRM", async () => {
    const state = (await (await fetch(`${w.amo.url}/__control/state`)).json()) as {
      accounts: Record<string, { leads: unknown[]; contacts: unknown[]; next_id: number }>;
    };
    const demo = state.accounts.demo!;
    for (let i = 0; i < DEALS; i++) {
      const c = contact(
        9_500_000 + i * 2,
        "Клиент",
        `${i}`,
        [phoneCf(`+${number(i)}`, "MOB")],
        MANAGER.amoUserId,
      );
      const l = lead(leadId(i), `Сделка ${i}`, 1000, FIRST_CONTACT.pipelineId, FIRST_CONTACT.statusId, [
        c.id,
      ]);
      demo.contacts.push(c);
      demo.leads.push(l);
    }
    demo.next_id = 10_500_000;
    expect(
      (await fetch(`${w.amo.url}/__control/seed`, { method: "POST", body: JSON.stringify({ state }) })).ok,
    ).toBe(true);
    await w.settings({ extra: { contactCenter: { enabled: true, dpTasks: { enabled: true } } } });
    const rule = await w.rule({
      ...FIRST_CONTACT,
      name: "Всех в обзвон",
      actions: [
        {
          kind: "campaign",
          campaignId: ENDLESS,
          campaignName: "Заявки с сайта",
          onNotReached: { task: false, stage: null },
        },
      ],
      applyToCurrentDeals: true,
    });
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    const sinceMango = (
      (await (await fetch(`${w.mango.url}/__control/requests`)).json()) as { requests: { id: number }[] }
    ).requests.at(-1)?.id;

    const started = await startApplyToCurrentDeals(w.t.db, createLocalQueue(w.t.db), {
      tenantId: w.tenant.id,
      ruleId: rule.id,
      actorUserId: null,
    });
    expect(started!.created).toBe(true);
    await drainJobs(w.t.db, [applyRuleToCurrentDealsJob, addCampaignTaskJob], 20_000);

    const status = (await applicationStatus(w.t.db, { tenantId: w.tenant.id, ruleId: rule.id }))!;
    const total = status.total!;
    expect(total).toBeGreaterThanOrEqual(DEALS);
    expect(status).toMatchObject({
      status: "done",
      percent: 100,
      processed: total,
      queued: total,
      failed: 0,
    });

    const rows = await w.t.db.select().from(campaignTasks).where(eq(campaignTasks.tenantId, w.tenant.id));
    const ours = rows.filter((r) => r.leadId >= leadId(0) && r.leadId <= leadId(DEALS - 1));
    expect(ours).toHaveLength(DEALS);
    expect(ours.every((r) => r.state === "added" && r.mangoTaskId !== null)).toBe(true);

    const pbx = (
      (await (await fetch(`${w.mango.url}/__control/state`)).json()) as {
        pbxes: { apiKey: string; tasks: { campaignId: number; number: string }[] }[];
      }
    ).pbxes.find((p) => p.apiKey === "demo-vpbx-key")!;
    const inCampaign = pbx.tasks
      .filter((t) => t.campaignId === ENDLESS)
      .map((t) => t.number.replace(/\D/g, ""));
    for (let i = 0; i < DEALS; i++)
      expect(
        inCampaign.filter((n) => n === number(i)),
        `deal ${i}`,
      ).toHaveLength(1);
    expect(inCampaign.filter((n) => n === DEMO_LINE_MAIN)).toHaveLength(1);

    const mangoLog = (
      (await (await fetch(`${w.mango.url}/__control/requests?since=${sinceMango ?? 0}`)).json()) as {
        requests: MangoRequest[];
      }
    ).requests;
    expect(mangoLog.filter((r) => r.path.includes("task/add")).length).toBeGreaterThanOrEqual(DEALS);
    expect(mangoLog.filter((r) => r.status === 429 || r.code === 5008 || r.code === 4290)).toEqual([]);
    const amo = (await (await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`)).json()) as {
      status: number;
    }[];
    expect(amo.filter((r) => r.status === 429)).toEqual([]);
  }, 600_000);
});
