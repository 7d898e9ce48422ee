import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignTasks, jobRuns, rules } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import type { CampaignAction } from "@/lib/domain/rules/schema";
import { mangoClientFor } from "@/server/connections/mango";
import { loggerFor } from "@/server/log/logger";
import { evaluateRulesJob } from "@/server/rules/jobs";
import { drainJobs } from "@/test/db";
import { DECISION, type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";
import { addCampaignTaskOf } from "./add";
import { addCampaignTaskJob } from "./jobs";
import { pollCampaignTasks } from "./outcome";
import { APPLY_RETRY_S, MAX_APPLY_FAILURES } from "./outcome-apply";
import { campaignTaskMarker } from "./outcome-verdict";
import { sealCampaignPhone } from "./phone";
import { pollCampaignTasksJob, wakeCampaignPoll } from "./poll-job";

/**
 * The outcome of a campaign task, on PostgreSQL and both emulators over HTTP: MANGO's emulator dials the
 * campaign task (its scenario «campaign» with the client's answer), `campaigns.poll` asks MANGO until the task
 * is final and applies «если оператор не смог дозвониться» once — a task for the deal's responsible naming
 * MANGO's reason and the deal moved to the stage; a reached client changes nothing in amoCRM; a completed
 * campaign or a task MANGO no longer knows stops the polling with the reason.
 */
const ENDLESS = { id: 56919, name: "Заявки с сайта" };
const FINITE = { id: 77002, name: "Продление договоров" };
const PAUSED = { id: 77001, name: "Опрос качества" };
const DEAL = 167353;

let w: DpWorld;
let ruleId: string;
const CC_ON = { extra: { contactCenter: { enabled: true, dpTasks: { enabled: true } } } } as const;
const action: CampaignAction = {
  kind: "campaign",
  campaignId: ENDLESS.id,
  campaignName: ENDLESS.name,
  onNotReached: { task: true, stage: FIRST_CONTACT },
};

const rowOf = async (leadId: number) => {
  const [row] = await w.t.db
    .select()
    .from(campaignTasks)
    .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.leadId, leadId)));
  return row!;
};
const tasksOf = async (rowId: string) =>
  (await w.amoState()).tasks.filter((t) => String(t.text ?? "").includes(campaignTaskMarker(rowId)));
const leadOf = async (id: number) => (await w.amoState()).leads.find((l) => l.id === id)!;
const mango = () => mangoClientFor(w.t.db, { tenantId: w.tenant.id });
const poll = async (now = new Date(Date.now() + 24 * 3600_000)) =>
  pollCampaignTasks(w.t.db, await mango(), { tenantId: w.tenant.id, now });

/** MANGO's emulator dials the campaign task once, to the end, with the client's given answer. */
async function dial(campaignId: number, taskId: number, outcome: string) {
  const res = await fetch(`${w.mango.url}/__control/scenarios`, {
    method: "POST",
    body: JSON.stringify({ type: "campaign", campaignId, taskId, outcome, instant: true }),
  });
  if (!res.ok) throw new Error(`scenario: ${res.status} ${await res.text()}`);
}

/** A task of a test deal added to MANGO the way `campaigns.add` does; its row. */
async function added(leadId: number, phone: string, campaign: { id: number; name: string }) {
  const id = crypto.randomUUID();
  await w.t.db.insert(campaignTasks).values({
    id,
    tenantId: w.tenant.id,
    ruleId,
    leadId,
    campaignId: campaign.id,
    campaignName: campaign.name,
    idempotencyKey: `test:${leadId}`,
    ...sealCampaignPhone({ tenantId: w.tenant.id, id }, phone),
  });
  await addCampaignTaskOf(w.t.db, await mango(), { tenantId: w.tenant.id, id });
  return rowOf(leadId);
}

beforeAll(async () => {
  w = await startDpWorld();
  await w.settings(CC_ON);
  // MANGO's limits run on its clock: a frozen clock would hold every window shut after ten requests.
  await fetch(`${w.mango.url}/__control/clock`, {
    method: "POST",
    body: JSON.stringify({ freeze: false, speed: 1 }),
  });
  ruleId = (await w.rule({ ...DECISION, name: "В кампанию", actions: [action] })).id;
}, 60_000);
afterAll(() => w?.close());

describe("the operator could not reach the client", () => {
  it("a task for the responsible naming MANGO's reason and the deal moved to the stage, once", async () => {
    await w.moveDeal(DEAL, DECISION.statusId, { responsible_user_id: MANAGER.amoUserId });
    await drainJobs(w.t.db, [evaluateRulesJob, addCampaignTaskJob]);
    const row = await rowOf(DEAL);
    expect(row).toMatchObject({ state: "added", outcome: null });
    // The addition woke the polling: one run, due about a minute later.
    const armed = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, pollCampaignTasksJob.id));
    expect(armed).toHaveLength(1);
    expect(armed[0]!.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(row.nextPollAt!.getTime()).toBeGreaterThan(Date.now());

    // Busy every time: with the campaign's 3 redials MANGO ends the task after the fourth attempt.
    for (let i = 0; i < 4; i++) await dial(ENDLESS.id, row.mangoTaskId!, "client_busy");
    await drainJobs(w.t.db, [pollCampaignTasksJob]);

    const done = await rowOf(DEAL);
    expect(done).toMatchObject({
      outcome: "not_reached",
      mangoStatusReason: 2,
      outcomeReason: `Оператор не дозвонился клиенту по кампании «${ENDLESS.name}»: абонент занят`,
      nextPollAt: null,
    });
    expect(done.outcomeAppliedAt).not.toBeNull();
    const tasks = await tasksOf(row.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      entity_type: "leads",
      entity_id: DEAL,
      responsible_user_id: MANAGER.amoUserId,
      task_type_id: 1,
    });
    expect(tasks[0]!.text).toBe(
      `Оператор не дозвонился клиенту по кампании «${ENDLESS.name}»: абонент занят. Свяжитесь с клиентом ${campaignTaskMarker(row.id)}`,
    );
    expect(done.amoTaskId).toBe(tasks[0]!.id);
    const lead = await leadOf(DEAL);
    expect({ pipelineId: lead.pipeline_id, statusId: lead.status_id }).toEqual(FIRST_CONTACT);

    // The journal: the run's result names MANGO's reason; the chain ends (nothing open).
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, pollCampaignTasksJob.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "done" });
    expect(runs[0]!.result).toMatchObject({
      finished: [{ leadId: DEAL, outcome: "not_reached", mangoReason: 2, reason: done.outcomeReason }],
      applied: [{ leadId: DEAL, amoTaskId: tasks[0]!.id, movedTo: FIRST_CONTACT }],
      open: 0,
      nextAt: null,
    });

    // Polled twice more: nothing asked, nothing applied again.
    for (let i = 0; i < 2; i++)
      expect(await poll()).toMatchObject({ asked: 0, finished: [], applied: [], open: 0, nextAt: null });
    expect(await tasksOf(row.id)).toHaveLength(1);
  });

  it("an earlier pass whose amoCRM answer was lost: the task is found by its marker, not created again", async () => {
    const row = await rowOf(DEAL);
    // As if the process died after amoCRM accepted the task, before its id was stored.
    await w.t.db
      .update(campaignTasks)
      .set({ amoTaskId: null, outcomeAppliedAt: null })
      .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, row.id)));
    const out = await poll();
    const tasks = await tasksOf(row.id);
    expect(tasks).toHaveLength(1);
    expect(out.applied).toEqual([
      expect.objectContaining({ leadId: DEAL, amoTaskId: tasks[0]!.id, taskFound: true }),
    ]);
    expect((await rowOf(DEAL)).amoTaskId).toBe(tasks[0]!.id);
  });
});

describe("the client answered", () => {
  it("reached: nothing in amoCRM; asked before the call, the task waits for the next backoff step", async () => {
    const row = await added(900_301, "+79035550301", ENDLESS);
    expect(row.state).toBe("added");
    const now = new Date(Date.now() + 3600_000);
    const first = await poll(now);
    expect(first).toMatchObject({ finished: [], open: 1 });
    const waiting = await rowOf(900_301);
    expect(waiting).toMatchObject({ outcome: null, polls: 1 });
    expect(waiting.nextPollAt!.getTime()).toBe(now.getTime() + 120_000);
    // Not due yet: not asked.
    expect(await poll(new Date(now.getTime() + 60_000))).toMatchObject({ asked: 0, open: 1 });

    const tasksBefore = (await w.amoState()).tasks.length;
    await dial(ENDLESS.id, row.mangoTaskId!, "answered");
    const out = await poll(new Date(now.getTime() + 120_000));
    expect(out.finished).toEqual([
      expect.objectContaining({
        leadId: 900_301,
        outcome: "reached",
        mangoReason: 1,
        reason: `Клиент ответил оператору кампании «${ENDLESS.name}»`,
      }),
    ]);
    expect(out.applied).toEqual([]);
    const done = await rowOf(900_301);
    expect(done).toMatchObject({ outcome: "reached", mangoStatusReason: 1, amoTaskId: null });
    expect(done.outcomeAppliedAt).not.toBeNull();
    expect((await w.amoState()).tasks.length).toBe(tasksBefore);
  });
});

describe("many open tasks of one campaign", () => {
  it("are read from the campaign's list in one pass; each gets its own outcome", async () => {
    const rows = [];
    for (let i = 0; i < 6; i++) rows.push(await added(900_500 + i, `+7903555050${i}`, ENDLESS));
    await dial(ENDLESS.id, rows[0]!.mangoTaskId!, "answered");
    for (let i = 0; i < 4; i++) await dial(ENDLESS.id, rows[1]!.mangoTaskId!, "client_no_answer");
    const asked = async () => {
      const res = await fetch(`${w.mango.url}/__control/requests`);
      const { requests } = (await res.json()) as { requests: { path: string }[] };
      return {
        list: requests.filter((r) => r.path.endsWith("v2/campaign/tasks")).length,
        one: requests.filter((r) => r.path.endsWith("/vpbx/task")).length,
      };
    };
    const before = await asked();
    const out = await poll();
    const after = await asked();
    expect(after.one).toBe(before.one);
    expect(after.list).toBeGreaterThan(before.list);
    expect(out.asked).toBe(6);
    expect(out.finished.map((f) => [f.leadId, f.outcome, f.mangoReason])).toEqual([
      [900_500, "reached", 1],
      [900_501, "not_reached", 3],
    ]);
    expect(out.open).toBe(4);
    // The deal of a not-reached task is not in amoCRM: nothing done there, said so, never tried again.
    expect(out.applied).toEqual([
      expect.objectContaining({
        leadId: 900_501,
        amoTaskId: null,
        nothing: "сделка #900501 не найдена в amoCRM",
      }),
    ]);
    expect(await rowOf(900_501)).toMatchObject({
      outcomeReason: `Оператор не дозвонился клиенту по кампании «${ENDLESS.name}»: абонент не взял трубку`,
    });
    // The rest stay open: these tasks are not followed in this file any further.
    await w.t.db
      .update(campaignTasks)
      .set({ state: "failed" })
      .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.campaignId, ENDLESS.id)));
  });
});

describe("the polling chain", () => {
  it("wake-ups of one minute make one run; a pass with open tasks arms the run of the next one due", async () => {
    const row = await added(900_701, "+79035550701", ENDLESS);
    const queue = createLocalQueue(w.t.db);
    const now = new Date(Date.now() + 10 * 86400_000);
    const first = await wakeCampaignPoll(w.t.db, queue, { tenantId: w.tenant.id, id: row.id, now });
    const second = await wakeCampaignPoll(w.t.db, queue, { tenantId: w.tenant.id, id: row.id, now });
    expect(first.created).toBe(true);
    expect(second).toEqual({ runId: first.runId, created: false });
    const [run] = await w.t.db.select().from(jobRuns).where(eq(jobRuns.id, first.runId));
    const at = (run!.payload as { at: string }).at;
    expect(Date.parse(at) - now.getTime()).toBeGreaterThan(60_000);

    const out = await pollCampaignTasksJob.handler(
      { at },
      { db: w.t.db, tenantId: w.tenant.id, queue, runId: first.runId, attempt: 1, log: loggerFor({}) },
    );
    expect(out).toMatchObject({ status: "done", result: { asked: 1, finished: [], open: 1 } });
    // Asked once: next due after the second backoff step (2 minutes), in a run of its own minute.
    const nextAt = (out as { result: { nextAt: string } }).result.nextAt;
    expect(Date.parse(nextAt)).toBe(Date.parse(at) + 120_000);
    const armed = await w.t.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.jobId, pollCampaignTasksJob.id), eq(jobRuns.tenantId, w.tenant.id)));
    const next = armed.filter((r) => Date.parse((r.payload as { at: string }).at) > Date.parse(at));
    expect(next).toHaveLength(1);
    expect(next[0]!.idempotencyKey).toBe(
      `campaigns.poll:${w.tenant.id}:${new Date(Date.parse(at) + 180_000).toISOString()}`,
    );
    // Not followed any further in this file.
    await w.t.db
      .update(campaignTasks)
      .set({ state: "failed" })
      .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, row.id)));
  });
});

describe("failures", () => {
  it("MANGO failing a pass: the due tasks wait for their next step, the chain goes on", async () => {
    const row = await added(900_901, "+79035550901", ENDLESS);
    const mangoFaults = (body: unknown) =>
      fetch(`${w.mango.url}/__control/faults`, { method: "POST", body: JSON.stringify(body) });
    await mangoFaults({ apiFailures: { remaining: 4, status: 500, paths: ["campaign/list"] } });
    const now = new Date(Date.now() + 20 * 86400_000);
    try {
      const out = await poll(now);
      expect(out.errors).toEqual([expect.stringMatching(/^MANGO OFFICE: /)]);
      expect(out).toMatchObject({
        finished: [],
        open: 1,
        nextAt: new Date(now.getTime() + 120_000).toISOString(),
      });
      expect(await rowOf(900_901)).toMatchObject({ outcome: null, polls: 1 });
    } finally {
      await mangoFaults({ apiFailures: null });
      await w.t.db
        .update(campaignTasks)
        .set({ state: "failed" })
        .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, row.id)));
    }
  });

  it("amoCRM refusing the consequences: tried again 5 minutes later, given up after the last try with the error", async () => {
    // The deal in a second campaign, by a rule that asks only for the task.
    const finiteRule = await w.rule({
      ...DECISION,
      name: "Продление",
      actions: [
        {
          kind: "campaign",
          campaignId: FINITE.id,
          campaignName: FINITE.name,
          onNotReached: { task: true, stage: null },
        },
      ],
    });
    const id = crypto.randomUUID();
    await w.t.db.insert(campaignTasks).values({
      id,
      tenantId: w.tenant.id,
      ruleId: finiteRule.id,
      leadId: DEAL,
      campaignId: FINITE.id,
      campaignName: FINITE.name,
      idempotencyKey: "test:finite-deal",
      ...sealCampaignPhone({ tenantId: w.tenant.id, id }, "+79035550902"),
    });
    await addCampaignTaskOf(w.t.db, await mango(), { tenantId: w.tenant.id, id });
    const [row] = await w.t.db
      .select()
      .from(campaignTasks)
      .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, id)));
    for (let i = 0; i < 4; i++) await dial(FINITE.id, row!.mangoTaskId!, "client_no_answer");
    const amoFault = () =>
      w.amoControl("faults", { kind: "status", status: 400, count: 1, path_prefix: "/a/demo/api/v4/tasks" });
    const current = async () =>
      (
        await w.t.db
          .select()
          .from(campaignTasks)
          .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, id)))
      )[0]!;

    await amoFault();
    const now = new Date(Date.now() + 30 * 86400_000);
    const out = await poll(now);
    expect(out.finished).toEqual([
      expect.objectContaining({ leadId: DEAL, outcome: "not_reached", mangoReason: 3 }),
    ]);
    expect(out.applied).toEqual([]);
    expect(out.errors).toEqual([expect.stringMatching(/^Сделка #167353: /)]);
    expect(out.nextAt).toBe(new Date(now.getTime() + APPLY_RETRY_S * 1000).toISOString());
    expect(await current()).toMatchObject({
      outcome: "not_reached",
      polls: 1,
      outcomeAppliedAt: null,
      amoTaskId: null,
    });

    // The last try fails too: given up, the error on the row, nothing pending any more.
    await w.t.db
      .update(campaignTasks)
      .set({ polls: MAX_APPLY_FAILURES - 1 })
      .where(and(eq(campaignTasks.tenantId, w.tenant.id), eq(campaignTasks.id, id)));
    await amoFault();
    const last = await poll(new Date(now.getTime() + APPLY_RETRY_S * 1000));
    expect(last.errors).toContain(
      `Сделка #167353: действие в amoCRM не выполнено после ${MAX_APPLY_FAILURES} попыток`,
    );
    const given = await current();
    expect(given.outcomeAppliedAt).not.toBeNull();
    expect(given.outcomeReason).toMatch(
      new RegExp(
        `^Оператор не дозвонился клиенту по кампании «${FINITE.name}»: абонент не взял трубку\\. Действие в amoCRM не выполнено: `,
      ),
    );
    expect(await tasksOf(id)).toEqual([]);
    expect(await poll(new Date(now.getTime() + 2 * APPLY_RETRY_S * 1000))).toMatchObject({
      applied: [],
      nextAt: null,
    });
  });
});

describe("the rule is gone by the time the task ends", () => {
  it("nothing is done in amoCRM, and the reason says why", async () => {
    const gone = await w.rule({ ...DECISION, name: "Удалят", actions: [action] });
    const id = crypto.randomUUID();
    await w.t.db.insert(campaignTasks).values({
      id,
      tenantId: w.tenant.id,
      ruleId: gone.id,
      leadId: 900_601,
      campaignId: ENDLESS.id,
      campaignName: ENDLESS.name,
      idempotencyKey: "test:900601",
      ...sealCampaignPhone({ tenantId: w.tenant.id, id }, "+79035550601"),
    });
    await addCampaignTaskOf(w.t.db, await mango(), { tenantId: w.tenant.id, id });
    const row = await rowOf(900_601);
    for (let i = 0; i < 4; i++) await dial(ENDLESS.id, row.mangoTaskId!, "client_no_answer");
    await w.t.db.delete(rules).where(and(eq(rules.tenantId, w.tenant.id), eq(rules.id, gone.id)));
    const out = await poll();
    expect(out.finished).toEqual([expect.objectContaining({ leadId: 900_601, outcome: "not_reached" })]);
    expect(out.applied).toEqual([
      expect.objectContaining({
        leadId: 900_601,
        amoTaskId: null,
        movedTo: null,
        nothing: "правила с этой кампанией больше нет — действие не выполняется",
      }),
    ]);
    expect(await rowOf(900_601)).toMatchObject({ ruleId: null, outcome: "not_reached", amoTaskId: null });
    expect((await rowOf(900_601)).outcomeAppliedAt).not.toBeNull();
    expect(await tasksOf(id)).toEqual([]);
  });
});

describe("no outcome will come", () => {
  it("a completed campaign stops the polling of its task with the reason", async () => {
    const row = await added(900_401, "+79035550401", PAUSED);
    expect(row.state).toBe("added");
    const control = await fetch(`${w.mango.url}/__control/campaigns/${PAUSED.id}`, {
      method: "POST",
      body: JSON.stringify({ status: 4, status_reason: 2 }),
    });
    expect(control.ok).toBe(true);
    const out = await poll();
    expect(out.finished).toEqual([
      expect.objectContaining({
        leadId: 900_401,
        outcome: "stopped",
        reason: `Кампания «${PAUSED.name}» завершена, задание не выполнено — итог не узнать`,
      }),
    ]);
    expect(await rowOf(900_401)).toMatchObject({ outcome: "stopped", nextPollAt: null });
    expect(await poll()).toMatchObject({ asked: 0, open: 0, nextAt: null });
  });

  it("tasks MANGO no longer knows (3300) stop with the reason; one pass provokes no 401", async () => {
    const rows = [await added(900_402, "+79035550402", FINITE), await added(900_403, "+79035550403", FINITE)];
    for (const row of rows)
      await (await mango()).deleteCampaignTask({ campaignId: FINITE.id, taskId: row.mangoTaskId! });
    const since = async () => {
      const { requests } = (await (await fetch(`${w.mango.url}/__control/requests`)).json()) as {
        requests: { id: number; status: number; code: number | null }[];
      };
      return requests;
    };
    const last = (await since()).at(-1)!.id;
    const out = await poll();
    // One pass finishes both; the order they finish in is not part of the contract.
    expect([...out.finished].sort((a, b) => a.leadId - b.leadId)).toEqual(
      rows.map((row) =>
        expect.objectContaining({
          leadId: row.leadId,
          outcome: "stopped",
          reason: `MANGO OFFICE больше не знает задание #${row.mangoTaskId} в кампании «${FINITE.name}» (код 3300) — итог не узнать`,
        }),
      ),
    );
    const answers = (await since()).filter((r) => r.id > last);
    expect(answers.filter((r) => r.code === 3300)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 401)).toEqual([]);
    for (const row of rows) expect((await tasksOf(row.id)).length).toBe(0);
    expect(await poll()).toMatchObject({ asked: 0, open: 0, nextAt: null });
  });
});
