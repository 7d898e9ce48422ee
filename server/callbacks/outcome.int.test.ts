// Auto-callback outcomes end to end: an item queued by queueCallbackItem, the dispatcher's part simulated
// (dialing + attempt row + commands/callback through the app's MANGO client), MANGO's emulator playing the
// call out over HTTP into our intake, the mango.event jobs correlating it, callbacks.outcome writing the
// consequences to the amoCRM emulator, and calls.log logging the call itself.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { activityLog, callbackQueue, jobRuns, webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { readAcceptedEvent } from "@/server/webhooks/inbox";
import {
  CALLBACK_JOBS,
  type CallbackWorld,
  DEAL,
  EMPLOYEE_101,
  FAILURE_STAGE,
  GROUP,
  SUCCESS_STAGE,
  startCallbackWorld,
} from "@/test/callbacks-world";
import { drainJobs } from "@/test/db";
import { applyCallbackEvent } from "./events";
import {
  CALLBACK_EXPIRE_AFTER_MS,
  callbacksAwaitingOutcome,
  EXPIRED_REASON,
  expireStaleCallbacks,
} from "./expire";
import { applyCallbackOutcome } from "./outcome";
import { callbackOutcomeJob, callbackOutcomeSweepJob } from "./outcome-job";

let w: CallbackWorld;

beforeAll(async () => {
  w = await startCallbackWorld();
});
afterAll(async () => {
  await w?.close();
});
beforeEach(async () => {
  await w.resetDeal();
});

const stageOf = (lead: { pipeline_id: number; status_id: number }) => ({
  pipelineId: lead.pipeline_id,
  statusId: lead.status_id,
});

/** Queue, dial with MANGO's next outcome, play the call out; the item's id. */
async function callbackWith(outcome: string, o: Parameters<CallbackWorld["queue"]>[0] = {}) {
  const id = await w.queue(o);
  await w.nextOutcome(outcome);
  await w.dispatch(id);
  await w.playOut();
  return id;
}

describe("the client answers", () => {
  it("succeeded, the deal in the success stage, no task; the call logged to amoCRM once", async () => {
    const callNotes = async () =>
      (await w.amoState()).notes.filter(
        (n) =>
          n.note_type.startsWith("call") &&
          ((n.entity_type === "contacts" && n.entity_id === DEAL.contactId) ||
            (n.entity_type === "leads" && n.entity_id === DEAL.id)),
      );
    const before = (await callNotes()).length;
    const id = await callbackWith("answered");
    const item = await w.item(id);
    // The disconnect reason of the conversation (callee hung up), completed after the outcome was applied.
    expect(item).toMatchObject({ state: "succeeded", reason: null, taskId: null, resultCode: 1120 });
    expect(item.outcomeAppliedAt).not.toBeNull();
    const [attempt] = await w.attempts(id);
    expect(attempt).toMatchObject({ resultCode: 1000, commandId: item.commandId });
    expect(attempt!.entryId).toBeTruthy();
    expect(attempt!.operatorConnectedAt).not.toBeNull();
    expect(attempt!.clientAnsweredAt).not.toBeNull();
    expect(attempt!.finishedAt).not.toBeNull();
    expect(attempt!.operatorConnectedAt! <= attempt!.clientAnsweredAt!).toBe(true);

    expect(stageOf(await w.deal())).toEqual(SUCCESS_STAGE);
    expect(await w.tasksOf(id)).toEqual([]);

    // The callback is an ordinary call to the calls pipeline: one call entry and one call note, no more.
    const s = await w.amoState();
    const entryId = attempt!.entryId!;
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(1);
    expect(s.notes.filter((n) => n.params?.uniq === entryId)).toHaveLength(1);
    expect((await callNotes()).length).toBe(before + 1);
    expect(await w.logRun(entryId)).toHaveLength(1);

    // The journal: one outcome run, done, naming the deal.
    const runs = await w.outcomeRuns(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "done" });
    const [entry] = await w.db
      .select()
      .from(activityLog)
      .where(and(eq(activityLog.tenantId, w.tenantId), eq(activityLog.sourceId, runs[0]!.id)));
    expect(entry).toMatchObject({
      status: "done",
      subject: `Сделка #${DEAL.id}`,
      subjectKey: `callback:${id}`,
    });
    expect(runs[0]!.result).toMatchObject({ state: "succeeded", leadId: DEAL.id, movedTo: SUCCESS_STAGE });
  });

  it("through a group (callback_group): succeeded the same way", async () => {
    const id = await callbackWith("answered", { target: GROUP("201") });
    expect(await w.item(id)).toMatchObject({ state: "succeeded" });
    expect(stageOf(await w.deal())).toEqual(SUCCESS_STAGE);
  });
});

describe("the call fails", () => {
  const cases = [
    { outcome: "client_no_answer", reason: "Клиент не ответил", code: 1111, operator: true },
    { outcome: "client_busy", reason: "Клиент занят", code: 1121, operator: true },
    { outcome: "operator_busy", reason: "Оператор занят", code: 1121, operator: false },
    { outcome: "operator_no_answer", reason: "Оператор не ответил", code: 1111, operator: false },
  ];
  for (const c of cases)
    it(`${c.outcome}: failed «${c.reason}» (${c.code}), a task for the employee, the deal in the failure stage`, async () => {
      const id = await callbackWith(c.outcome);
      const item = await w.item(id);
      expect(item).toMatchObject({ state: "failed", reason: c.reason, resultCode: c.code });
      const [attempt] = await w.attempts(id);
      expect(attempt!.clientAnsweredAt).toBeNull();
      expect(attempt!.operatorConnectedAt !== null).toBe(c.operator);
      expect(attempt!.disconnectReason).toBe(c.code);

      const tasks = await w.tasksOf(id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        entity_type: "leads",
        entity_id: DEAL.id,
        responsible_user_id: EMPLOYEE_101.amoUserId,
        task_type_id: 1,
      });
      expect(tasks[0]!.text).toBe(
        `Автоперезвон не состоялся: ${c.reason}. Перезвоните клиенту [Amango ${id}]`,
      );
      expect(item.taskId).toBe(tasks[0]!.id);
      expect(stageOf(await w.deal())).toEqual(FAILURE_STAGE);
      const [run] = await w.outcomeRuns(id);
      expect(run).toMatchObject({ status: "done" });
      expect(run!.result).toMatchObject({ state: "failed", reason: c.reason, taskId: tasks[0]!.id });
    });

  it("without «task on failure»: the failure stage only", async () => {
    const id = await callbackWith("client_no_answer", { taskOnFailure: false });
    expect(await w.item(id)).toMatchObject({ state: "failed", taskId: null });
    expect(await w.tasksOf(id)).toEqual([]);
    expect(stageOf(await w.deal())).toEqual(FAILURE_STAGE);
  });
});

describe("MANGO refuses the command", () => {
  it("an unknown extension → result/callback 3100: failed with the code in the reason", async () => {
    const id = await callbackWith("answered", {
      target: { ...EMPLOYEE_101, extension: "199" },
    });
    const item = await w.item(id);
    expect(item).toMatchObject({
      state: "failed",
      resultCode: 3100,
      reason:
        "MANGO не начал звонок: код 3100 (неверные параметры команды: добавочный, номер клиента или линия)",
    });
    expect((await w.attempts(id))[0]).toMatchObject({ resultCode: 3100, entryId: null });
    expect(await w.tasksOf(id)).toHaveLength(1);
    expect(stageOf(await w.deal())).toEqual(FAILURE_STAGE);
    // The unused outcome rule must not leak into the next test.
    await fetch(`${w.mango.url}/__control/callback-outcomes`, { method: "DELETE" });
  });

  it("a group with no free operator → result/callback_group 1160; the task goes to the deal's responsible", async () => {
    await w.mangoControl("employees/103", { busy: true });
    await w.mangoControl("employees/104", { busy: true });
    try {
      const id = await w.queue({ target: GROUP("202") });
      await w.dispatch(id);
      await w.playOut();
      const item = await w.item(id);
      expect(item).toMatchObject({
        state: "failed",
        resultCode: 1160,
        reason: "MANGO не начал звонок: код 1160 (нет свободных операторов группы)",
      });
      const responsible = (await w.deal()).responsible_user_id;
      const tasks = await w.tasksOf(id);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ responsible_user_id: responsible, entity_id: DEAL.id });
      expect(stageOf(await w.deal())).toEqual(FAILURE_STAGE);
    } finally {
      await w.mangoControl("employees/103", { busy: false });
      await w.mangoControl("employees/104", { busy: false });
    }
  });
});

/**
 * MANGO's events captured instead of delivered, then posted to our intake in an order of the test's
 * choosing (the summary first, the legs backwards, everything twice): the same bodies MANGO signed.
 */
async function capturedCall(outcome: string) {
  const bodies: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push({ path: (req.url ?? "").replace(/^\/cap\//, ""), body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  const ours = `${w.bridgeUrl}/api/mango/${w.tenant.webhookKey}`;
  await w.mangoControl("webhook", { url: `http://127.0.0.1:${port}/cap` });
  let id: string;
  try {
    id = await w.queue();
    await w.nextOutcome(outcome);
    await w.dispatch(id);
    await w.mangoControl("clock", { flush: true });
    await w.mangoControl("deliveries?wait=1");
  } finally {
    await w.mangoControl("webhook", { url: ours });
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  const post = async (b: { path: string; body: string }) => {
    const res = await fetch(`${ours}/${b.path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: b.body,
    });
    expect(res.status).toBe(200);
  };
  return { id: id!, bodies, post };
}

describe("events late, twice or out of order", () => {
  for (const c of [
    { outcome: "answered", state: "succeeded", stage: SUCCESS_STAGE, tasks: 0 },
    { outcome: "client_no_answer", state: "failed", stage: FAILURE_STAGE, tasks: 1 },
  ] as const)
    it(`${c.outcome}: the summary first, the legs backwards, everything twice → ${c.state}, applied once`, async () => {
      const { id, bodies, post } = await capturedCall(c.outcome);
      const summary = bodies.filter((b) => b.path === "events/summary");
      const legs = bodies.filter((b) => b.path === "events/call").reverse();
      const results = bodies.filter((b) => b.path.startsWith("result/"));
      expect(summary).toHaveLength(1);
      expect(results).toHaveLength(1);
      // The summary is handled before any leg: it names no command, so it is only found through them.
      await post(summary[0]!);
      await drainJobs(w.db, CALLBACK_JOBS);
      // Then only the employee's leg (to = the employee): whether the client answered is the summary's word.
      const employeeLeg = legs.filter((b) => {
        const e = JSON.parse(new URLSearchParams(b.body).get("json")!) as { to?: { extension?: string } };
        return Boolean(e.to?.extension);
      });
      expect(employeeLeg.length).toBeGreaterThan(0);
      expect(employeeLeg.length).toBeLessThan(legs.length);
      for (const b of employeeLeg) await post(b);
      await drainJobs(w.db, CALLBACK_JOBS);
      expect((await w.item(id)).state).toBe(c.state);
      for (const b of [...legs, ...results, ...summary, ...legs, ...results]) await post(b);
      await drainJobs(w.db, CALLBACK_JOBS);

      const item = await w.item(id);
      expect(item.state).toBe(c.state);
      if (c.state === "failed") expect(item).toMatchObject({ reason: "Клиент не ответил", resultCode: 1111 });
      expect(await w.tasksOf(id)).toHaveLength(c.tasks);
      expect(stageOf(await w.deal())).toEqual(c.stage);
      expect(await w.outcomeRuns(id)).toHaveLength(1);

      // A mango.event run repeated (a retry after its first attempt did the work): nothing changes.
      const inbox = await w.db
        .select({ id: webhookInbox.id, kind: webhookInbox.kind })
        .from(webhookInbox)
        .where(eq(webhookInbox.tenantId, w.tenantId));
      for (const row of inbox) {
        const event = await readAcceptedEvent(w.db, { tenantId: w.tenantId, inboxId: row.id });
        if (event)
          await applyCallbackEvent(
            w.db,
            {
              tenantId: w.tenantId,
              kind: row.kind.replace(/^mango\./, ""),
              event: event as Record<string, unknown>,
            },
            createLocalQueue(w.db),
          );
      }
      await drainJobs(w.db, CALLBACK_JOBS);
      expect(await w.item(id)).toMatchObject({ state: c.state, outcomeAppliedAt: item.outcomeAppliedAt });
      expect(await w.tasksOf(id)).toHaveLength(c.tasks);
      expect(await w.outcomeRuns(id)).toHaveLength(1);
    });
});

describe("the client's Connected after its Disconnected", () => {
  it("a failure decided from the end is corrected before its outcome runs: succeeded, no task", async () => {
    const { id, bodies, post } = await capturedCall("answered");
    const json = (b: { body: string }) =>
      JSON.parse(new URLSearchParams(b.body).get("json")!) as {
        call_state?: string;
        from?: { extension?: string };
      };
    const isEnd = (b: { path: string; body: string }) =>
      b.path === "events/call" && json(b).call_state === "Disconnected" && Boolean(json(b).from?.extension);
    const clientEnd = bodies.filter(isEnd);
    expect(clientEnd).toHaveLength(1);
    // Leg 2's Disconnected alone first: for now the call looks like one the client never answered.
    await post(clientEnd[0]!);
    await drainJobs(w.db, [processMangoEvent]);
    expect(await w.item(id)).toMatchObject({ state: "failed", outcomeAppliedAt: null });
    expect(await w.outcomeRuns(id)).toMatchObject([{ status: "queued" }]);
    // The rest arrives within the settling window: the client had answered.
    for (const b of bodies.filter((b) => !isEnd(b))) await post(b);
    await drainJobs(w.db, [processMangoEvent]);
    expect(await w.item(id)).toMatchObject({ state: "succeeded", reason: null, outcomeAppliedAt: null });
    await drainJobs(w.db, CALLBACK_JOBS);
    expect(await w.tasksOf(id)).toEqual([]);
    expect(stageOf(await w.deal())).toEqual(SUCCESS_STAGE);
    const runs = await w.outcomeRuns(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.result).toMatchObject({ state: "succeeded", taskId: null, movedTo: SUCCESS_STAGE });
  });
});

describe("items that did not end in a call's outcome", () => {
  it("cleared, removed, skipped: the outcome job does nothing in amoCRM", async () => {
    const texts = {
      cleared: "очередь очищена — итог не применяется",
      removed: "звонок убран из очереди — итог не применяется",
      skipped: "звонок не совершался — итог не применяется",
    } as const;
    for (const [state, reason] of Object.entries(texts)) {
      const id = await w.queue();
      await w.db
        .update(callbackQueue)
        .set({ state: state as keyof typeof texts })
        .where(and(eq(callbackQueue.tenantId, w.tenantId), eq(callbackQueue.id, id)));
      expect(await applyCallbackOutcome(w.db, { tenantId: w.tenantId, itemId: id })).toEqual({
        status: "skipped",
        reason,
      });
      expect(await w.item(id)).toMatchObject({ state, outcomeAppliedAt: null, taskId: null });
      expect(await w.tasksOf(id)).toEqual([]);
    }
    expect(stageOf(await w.deal())).toEqual({ pipelineId: 3383152, statusId: 33929755 });
  });
});

describe("MANGO never says how the call ended", () => {
  it("expired after 15 minutes: reason, no task, no stage move; a late event does not revive it", async () => {
    const id = await w.queue();
    await w.nextOutcome("client_no_answer");
    await w.dispatch(id);
    // MANGO's clock stands still: only the immediate result/callback 1000 reaches us, no leg, no summary.
    await w.mangoControl("deliveries?wait=1");
    await drainJobs(w.db, CALLBACK_JOBS);
    const dialing = await w.item(id);
    expect(dialing.state).toBe("dialing");
    expect((await w.attempts(id))[0]).toMatchObject({ resultCode: 1000, entryId: null });

    const dispatchedAt = dialing.dispatchedAt!.getTime();
    expect(
      await expireStaleCallbacks(w.db, { tenantId: w.tenantId, now: new Date(dispatchedAt + 60_000) }),
    ).toEqual([]);
    expect(
      await expireStaleCallbacks(w.db, {
        tenantId: w.tenantId,
        now: new Date(dispatchedAt + CALLBACK_EXPIRE_AFTER_MS + 1000),
      }),
    ).toEqual([id]);
    expect(await w.item(id)).toMatchObject({ state: "expired", reason: EXPIRED_REASON });
    expect(await applyCallbackOutcome(w.db, { tenantId: w.tenantId, itemId: id })).toEqual({
      status: "skipped",
      reason: "MANGO не сообщил, чем закончился звонок — итог не применяется",
    });

    // The call's events after all: recorded on the attempt, the item stays expired, nothing in amoCRM.
    await w.playOut();
    expect(await w.item(id)).toMatchObject({ state: "expired", outcomeAppliedAt: null, taskId: null });
    expect((await w.attempts(id))[0]!.finishedAt).not.toBeNull();
    expect(await w.tasksOf(id)).toEqual([]);
    expect(await w.outcomeRuns(id)).toEqual([]);
    expect(stageOf(await w.deal())).toEqual({ pipelineId: 3383152, statusId: 33929755 });
  });

  it("the sweep: a final item whose outcome run was lost gets one; a stale dialing one expires", async () => {
    // A failed call whose outcome run never made it (the process died after deciding the item).
    const lost = await w.queue();
    await w.nextOutcome("client_busy");
    await w.dispatch(lost);
    await w.mangoControl("clock", { flush: true });
    await w.mangoControl("deliveries?wait=1");
    await drainJobs(
      w.db,
      CALLBACK_JOBS.filter((j) => j.id !== callbackOutcomeJob.id),
    );
    expect(await w.item(lost)).toMatchObject({ state: "failed", outcomeAppliedAt: null });
    await w.db
      .delete(jobRuns)
      .where(and(eq(jobRuns.tenantId, w.tenantId), eq(jobRuns.jobId, callbackOutcomeJob.id)));
    // A dialing item that MANGO never answered for.
    const silent = await w.queue();
    await w.nextOutcome("answered");
    await w.dispatch(silent);
    await w.mangoControl("deliveries?wait=1");
    await drainJobs(w.db, CALLBACK_JOBS);
    // Time passes (our clock, not the test's): both became leftovers.
    await w.db
      .update(callbackQueue)
      .set({
        updatedAt: sql`now() - interval '3 minutes'`,
        dispatchedAt: sql`now() - interval '16 minutes'`,
      })
      .where(eq(callbackQueue.tenantId, w.tenantId));
    expect((await callbacksAwaitingOutcome(w.db, { tenantId: w.tenantId })).map((i) => i.id)).toContain(lost);

    const queue = createLocalQueue(w.db);
    await queue.enqueue(callbackOutcomeSweepJob, {}, { tenantId: null, idempotencyKey: "test-sweep" });
    await drainJobs(w.db, [callbackOutcomeSweepJob, callbackOutcomeJob]);

    expect(await w.item(silent)).toMatchObject({ state: "expired", reason: EXPIRED_REASON });
    const item = await w.item(lost);
    expect(item).toMatchObject({ state: "failed", reason: "Клиент занят" });
    expect(item.outcomeAppliedAt).not.toBeNull();
    expect(await w.tasksOf(lost)).toHaveLength(1);
    expect(await w.tasksOf(silent)).toEqual([]);
    expect(stageOf(await w.deal())).toEqual(FAILURE_STAGE);
    // The silent call's events are still scheduled at MANGO: drop them for the tests after this one.
    await w.mangoControl("clock", { flush: true });
    await w.mangoControl("deliveries?wait=1");
    await drainJobs(w.db, CALLBACK_JOBS);
    expect(await w.item(silent)).toMatchObject({ state: "expired" });
  });
});
