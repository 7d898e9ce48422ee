// "A lost amoCRM answer does not make a second task": amoCRM stores the failure task and answers after our
// client stopped waiting (the emulator's `late` fault), the outcome run fails with a network error and is
// retried; the retry — or a run put back from the journal — finds the task by the item's marker on the deal
// and writes none.
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeCallJob } from "@/server/calls/jobs";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { type CallbackWorld, DEAL, FAILURE_STAGE, startCallbackWorld } from "@/test/callbacks-world";
import { drainJobs } from "@/test/db";
import { applyCallbackOutcome } from "./outcome";

/** The client gives up after this; the emulator answers later than that, having stored the task. */
const CLIENT_TIMEOUT_MS = 500;
const LATE_ANSWER_MS = 1500;

let w: CallbackWorld;

beforeAll(async () => {
  // Read once per test file by amocrmClientFor (env() is cached), before anything asks for it.
  process.env.AMOCRM_TIMEOUT_MS = String(CLIENT_TIMEOUT_MS);
  w = await startCallbackWorld();
});
afterAll(async () => {
  await w?.close();
});

it("the task's answer is lost: the retry finds it, one task, the deal moved once", async () => {
  await w.resetDeal();
  const id = await w.queue();
  await w.nextOutcome("client_no_answer");
  await w.dispatch(id);
  await w.amoFaults({
    kind: "late",
    latency_ms: LATE_ANSWER_MS,
    count: 1,
    path_prefix: "/a/demo/api/v4/tasks",
  });
  await w.playOut();

  const tasks = await w.tasksOf(id);
  expect(tasks).toHaveLength(1);
  const item = await w.item(id);
  expect(item).toMatchObject({ state: "failed", reason: "Клиент не ответил", taskId: tasks[0]!.id });
  expect(item.outcomeAppliedAt).not.toBeNull();
  const [run] = await w.outcomeRuns(id);
  // The first attempt timed out on the task; the second found it instead of writing it again.
  expect(run).toMatchObject({ status: "done", attempts: 2 });
  expect(run!.result).toMatchObject({ taskId: tasks[0]!.id, taskFound: true, movedTo: FAILURE_STAGE });
  const deal = (await w.amoState()).leads.find((l) => l.id === DEAL.id)!;
  expect({ pipelineId: deal.pipeline_id, statusId: deal.status_id }).toEqual(FAILURE_STAGE);
});

it("a run put back from the journal after its task's answer was lost finds the task, writes none", async () => {
  await w.resetDeal();
  const id = await w.queue();
  await w.nextOutcome("client_no_answer");
  await w.dispatch(id);
  // MANGO plays the call out; its events are folded, but the outcome run is left for this test to make.
  await w.mangoControl("clock", { flush: true });
  await w.mangoControl("deliveries?wait=1");
  await drainJobs(w.db, [processMangoEvent, writeCallJob]);
  expect(await w.item(id)).toMatchObject({ state: "failed", outcomeAppliedAt: null });

  // The last attempt of a run: amoCRM stores the task, its answer never reaches us.
  await w.amoFaults({
    kind: "late",
    latency_ms: LATE_ANSWER_MS,
    count: 1,
    path_prefix: "/a/demo/api/v4/tasks",
  });
  await expect(applyCallbackOutcome(w.db, { tenantId: w.tenantId, itemId: id })).rejects.toThrow();
  await new Promise((r) => setTimeout(r, LATE_ANSWER_MS));
  expect(await w.tasksOf(id)).toHaveLength(1);

  // «Повторить» in the journal: a new run from its first attempt finds the task by the item's stamp.
  const again = await applyCallbackOutcome(w.db, { tenantId: w.tenantId, itemId: id });
  const tasks = await w.tasksOf(id);
  expect(tasks).toHaveLength(1);
  expect(again).toMatchObject({ status: "done", result: { taskId: tasks[0]!.id, taskFound: true } });
  expect(await w.item(id)).toMatchObject({ taskId: tasks[0]!.id });
});
