import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackQueue, integrationSettings, jobRuns, mangoGroups } from "@/db/schema";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { createLocalQueue } from "@/inngest/local/queue";
import type { CallbackAction } from "@/lib/domain/rules/schema";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import type { CallbackGroupInput, CallbackInput } from "@/server/mango/api";
import { applicationStatus, startApplyToCurrentDeals } from "@/server/rules/apply-current";
import { applyRuleToCurrentDealsJob } from "@/server/rules/apply-jobs";
import { evaluateRulesJob } from "@/server/rules/jobs";
import { drainJobs } from "@/test/db";
import { DECISION, type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";
import { dispatchDue } from "./dispatch";
import { callbackDispatchJob } from "./dispatch-job";
import type { MangoForTenant } from "./dispatch-send";
import { clearQueue } from "./manage";
import { callbackOutcomeJobs, enqueueCallbackOutcome } from "./outcome-job";
import { queueCallbackItem } from "./queue";
import { queuedCount } from "./queue-view";

/**
 * Auto-callback acceptance 4 and 5 on PostgreSQL and both emulators: the same DP webhook three times makes
 * one queue item and one `commands/callback`; "apply to current deals" on 500 deals queues 500 items (the
 * bulk job's progress reaching 100 %) without a 429 from amoCRM, and the queue dials them at the rate.
 */
let w: DpWorld;
beforeAll(async () => {
  w = await startDpWorld();
}, 60_000);
afterAll(() => w?.close());

const CALL_RESPONSIBLE: CallbackAction = {
  kind: "callback",
  target: { type: "responsible" },
  lineNumber: null,
  taskOnFailure: true,
  stageOnSuccess: null,
  stageOnFailure: null,
};

async function mangoRequests(path: string) {
  const res = await fetch(`${w.mango.url}/__control/requests`);
  const { requests } = (await res.json()) as { requests: { path: string; json?: string }[] };
  return requests
    .filter((r) => r.path.endsWith(path))
    .map((r) => JSON.parse(r.json ?? "{}") as Record<string, unknown>);
}

const items = () => w.t.db.select().from(callbackQueue).where(eq(callbackQueue.tenantId, w.tenant.id));

describe("the same DP webhook three times", () => {
  it("queues one item and MANGO gets one commands/callback", async () => {
    await w.rule({ ...DECISION, name: "Перезвонить", actions: [CALL_RESPONSIBLE] });
    const deliveries = await w.moveDeal(167353, DECISION.statusId, {
      responsible_user_id: MANAGER.amoUserId,
    });
    const dp = deliveries.find((d) => d.url === w.dpUrl) as
      | { url: string; body: string; contentType?: string | null }
      | undefined;
    if (!dp) throw new Error("amoCRM posted no DP webhook");
    // amoCRM's delivery, then the same body posted twice more (a redelivery, a second DP action).
    for (let i = 0; i < 2; i++) {
      const res = await fetch(w.dpUrl, {
        method: "POST",
        headers: { "content-type": dp.contentType ?? "application/json" },
        body: dp.body,
      });
      expect(res.status).toBe(200);
    }
    await drainJobs(w.t.db, [evaluateRulesJob, callbackDispatchJob]);

    const queued = await items();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      leadId: 167353,
      targetType: "responsible",
      targetExtension: MANAGER.extension,
      state: "dialing",
      attempts: 1,
    });
    const commands = await mangoRequests("commands/callback");
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({
      command_id: queued[0]!.commandId,
      from: { extension: MANAGER.extension },
      to_number: "79161234567",
    });
    // Every rules run ended: the first acted, the repeats found the intent already queued.
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, evaluateRulesJob.id));
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((r) => r.status === "done" || r.status === "skipped")).toBe(true);
  });
});

describe("«Очистить» with 7 queued", () => {
  it("dials none of them afterwards, moves no deal and makes no task; the count is 0", async () => {
    // The demo account's other deals, some with two items (two rules' intents), 7 items in all.
    const seeded = (await w.amoState()).leads.filter((l) => l.id !== 167353);
    expect(seeded.length).toBeGreaterThanOrEqual(4);
    const rule = await w.rule({ ...DECISION, name: "Очистка", actions: [CALL_RESPONSIBLE], enabled: false });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const l = seeded[i % seeded.length]!;
      ids.push(
        (
          await queueCallbackItem(w.t.db, {
            tenantId: w.tenant.id,
            ruleId: rule.id,
            ruleName: "Очистка",
            leadId: l.id,
            leadName: null,
            contactId: null,
            idempotencyKey: `clear-test:${i}`,
            target: { type: "employee", amoUserId: MANAGER.amoUserId, extension: "102", name: null },
            phone: `+7902000000${i}`,
            lineNumber: null,
            taskOnFailure: true,
            stageOnSuccess: FIRST_CONTACT,
            stageOnFailure: FIRST_CONTACT,
          })
        ).id,
      );
    }
    expect(await queuedCount(w.t.db, { tenantId: w.tenant.id })).toBe(7);
    const before = await w.amoState();
    const commandsBefore = (await mangoRequests("commands/callback")).length;

    expect(await clearQueue(w.t.db, { tenantId: w.tenant.id, actorUserId: null })).toEqual({ cleared: 7 });
    expect(await queuedCount(w.t.db, { tenantId: w.tenant.id })).toBe(0);
    // The dispatcher over five minutes, the outcome sweep and any outcome run: nothing for these items.
    for (let t = 0; t < 5 * 60_000; t += 1000)
      await dispatchDue(w.t.db, { tenantId: w.tenant.id, now: new Date(Date.now() + t) });
    for (const id of ids)
      await enqueueCallbackOutcome(createLocalQueue(w.t.db), { tenantId: w.tenant.id, id, leadId: 0 });
    await drainJobs(w.t.db, [callbackDispatchJob, ...callbackOutcomeJobs]);

    expect((await mangoRequests("commands/callback")).length).toBe(commandsBefore);
    const after = await w.amoState();
    expect(after.tasks.length).toBe(before.tasks.length);
    for (const l of seeded)
      expect(after.leads.find((x) => x.id === l.id)?.status_id, `lead ${l.id}`).toBe(l.status_id);
    const rows = await items();
    for (const id of ids)
      expect(rows.find((r) => r.id === id)).toMatchObject({ state: "cleared", attempts: 0 });
  });
});

describe("apply to current deals on 500 deals", () => {
  const DEALS = 500;
  const leadId = (i: number) => 8_000_000 + i * 2;
  const RATE = 30;

  it("queues 500 items (progress 100 %), no 429, then dials them at the rate", async () => {
    const state = (await (await fetch(`${w.amo.url}/__control/state`)).json()) as {
      accounts: Record<string, { leads: unknown[]; contacts: unknown[]; next_id: number }>;
    };
    const demo = state.accounts.demo!;
    for (let i = 0; i < DEALS; i++) {
      const c = contact(
        9_000_000 + i * 2,
        "Клиент",
        `${i}`,
        [phoneCf(`+7901${String(i).padStart(7, "0")}`, "MOB")],
        MANAGER.amoUserId,
      );
      const l = lead(leadId(i), `Сделка ${i}`, 1000, FIRST_CONTACT.pipelineId, FIRST_CONTACT.statusId, [
        c.id,
      ]);
      l.responsible_user_id = MANAGER.amoUserId;
      demo.contacts.push(c);
      demo.leads.push(l);
    }
    demo.next_id = 10_000_000;
    expect(
      (await fetch(`${w.amo.url}/__control/seed`, { method: "POST", body: JSON.stringify({ state }) })).ok,
    ).toBe(true);
    // A group target: MANGO rings its first free operator, so items need not wait for one employee.
    await w.t.db
      .insert(mangoGroups)
      .values({ tenantId: w.tenant.id, groupId: 10060001, name: "Отдел продаж", extension: "201" })
      .onConflictDoNothing();
    const settings = settingsDocumentSchema.parse({ calls: { autoCallback: { ratePerMinute: 0 } } });
    await w.t.db
      .insert(integrationSettings)
      .values({ tenantId: w.tenant.id, settings })
      .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
    const rule = await w.rule({
      ...FIRST_CONTACT,
      name: "Перезвонить всем",
      actions: [
        { ...CALL_RESPONSIBLE, target: { type: "group", mangoGroupId: 10060001 }, lineNumber: "74950000000" },
      ],
      applyToCurrentDeals: true,
    });
    const before = await w.t.db.select().from(callbackQueue);
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    const started = await startApplyToCurrentDeals(w.t.db, createLocalQueue(w.t.db), {
      tenantId: w.tenant.id,
      ruleId: rule.id,
      actorUserId: null,
    });
    expect(started!.created).toBe(true);
    // Rate 0 while the job runs: the queue holds everything, nothing is dialed yet.
    await drainJobs(w.t.db, [applyRuleToCurrentDealsJob, callbackDispatchJob], 20_000);
    const status = (await applicationStatus(w.t.db, { tenantId: w.tenant.id, ruleId: rule.id }))!;
    // The stage holds our 500 and whatever the demo account keeps there: every one of them is queued.
    const TOTAL = status.total!;
    expect(TOTAL).toBeGreaterThanOrEqual(DEALS);
    expect(TOTAL).toBeLessThanOrEqual(DEALS + 3);
    expect(status).toMatchObject({
      status: "done",
      percent: 100,
      processed: TOTAL,
      queued: TOTAL,
      failed: 0,
    });
    const ours = (await items()).filter((i) => i.ruleId === rule.id);
    expect(ours).toHaveLength(TOTAL);
    expect(ours.every((i) => i.state === "queued")).toBe(true);
    expect(new Set(ours.map((i) => i.leadId)).size).toBe(TOTAL);
    const ourLeads = new Set(ours.map((i) => i.leadId));
    for (let i = 0; i < DEALS; i++) expect(ourLeads.has(leadId(i)), `deal ${i}`).toBe(true);
    expect((await w.t.db.select().from(callbackQueue)).length).toBe(before.length + TOTAL);
    const amo = (await (await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`)).json()) as {
      status: number;
    }[];
    expect(amo.filter((r) => r.status === 429)).toEqual([]);

    // Now the rate: the dispatcher on a virtual clock, MANGO accepting every command.
    await w.t.db
      .update(integrationSettings)
      .set({ settings: settingsDocumentSchema.parse({ calls: { autoCallback: { ratePerMinute: RATE } } }) })
      .where(eq(integrationSettings.tenantId, w.tenant.id));
    const dialedAt: number[] = [];
    let now = Date.now();
    const t0 = now;
    const accepting: MangoForTenant = async () => ({
      callback: async (_: CallbackInput) => dialedAt.push(now - t0),
      callbackGroup: async (_: CallbackGroupInput) => dialedAt.push(now - t0),
    });
    while (dialedAt.length < TOTAL && now - t0 < (TOTAL + 5) * (60_000 / RATE)) {
      await dispatchDue(w.t.db, { tenantId: w.tenant.id, now: new Date(now), mango: accepting });
      now += 250;
    }
    expect(dialedAt).toHaveLength(TOTAL);
    const gaps = dialedAt.slice(1).map((t, i) => t - dialedAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000 - 250);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2000 + 250);
    const dialing = await w.t.db
      .select({ id: callbackQueue.id })
      .from(callbackQueue)
      .where(and(eq(callbackQueue.ruleId, rule.id), eq(callbackQueue.state, "dialing")));
    expect(dialing).toHaveLength(TOTAL);
  }, 600_000);
});
