import { describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { advance, control, mangoPost, OTHER, type Receiver } from "./test-support";

/**
 * Contact Center: outbound campaigns and their tasks (SPEC §4.6), campaign calls and the topics/comments an
 * operator records (SPEC §4.7). Seeded campaigns: 56919 active endless, 77002 active finite, 77001 paused,
 * 1254251 completed ("Завершена").
 */

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});

interface V2Task {
  task_id: number;
  number: string;
  task_status: number;
  task_status_reason: number | null;
  task_comment: string;
}

async function listTasks(campaignId: number): Promise<V2Task[]> {
  const r = await mangoPost(url, "v2/campaign/tasks", { campaign_ids: [campaignId], limit: 100 });
  expect(r.status).toBe(200);
  return (r.body as { tasks: V2Task[] }).tasks;
}

describe("campaign tasks", () => {
  it("refuses to add a task to a completed campaign with 5106 and adds nothing", async () => {
    const before = await listTasks(1254251);
    const r = await mangoPost(url, "task/add", {
      campaign_id: 1254251,
      number: "+79990001111",
      name: "Клиент",
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ result: 5106 });
    const push = await mangoPost(url, "tasks/push", {
      campaign_id: 1254251,
      tasks: [{ number: "+79990001112" }],
    });
    expect(push.body).toEqual({ result: 5106 });
    await advance(url, 1000);
    expect(await listTasks(1254251)).toEqual(before);
  });

  it("the first addition to a campaign is visible in its task list and through /vpbx/task", async () => {
    expect(await listTasks(56919)).toEqual([]);
    const r = await mangoPost(url, "task/add", {
      campaign_id: 56919,
      number: "+7 (999) 000-12-34",
      name: "Иван",
      comment: "из amoCRM",
    });
    const { result, task_id } = r.body as { result: number; task_id: number };
    expect(result).toBe(1000);
    const tasks = await listTasks(56919);
    expect(tasks.map((t) => [t.task_id, t.number, t.task_status])).toEqual([[task_id, "79990001234", 1]]);
    const one = await mangoPost(url, "task", { task_id });
    expect((one.body as { task: Record<string, unknown> }).task).toMatchObject({
      campaign_task_id: task_id,
      campaign_id: 56919,
      comment: "из amoCRM",
    });
  });

  it("refuses task/add into a non-endless campaign and duplicates (5109); tasks/push works in a paused one", async () => {
    expect((await mangoPost(url, "task/add", { campaign_id: 77002, number: "79990002222" })).body).toEqual({
      result: 5106,
    });
    expect(
      (await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990002222" })).body,
    ).toMatchObject({ result: 1000 });
    expect((await mangoPost(url, "task/add", { campaign_id: 56919, number: "+79990002222" })).body).toEqual({
      result: 5109,
    });
    expect(
      (await mangoPost(url, "tasks/push", { campaign_id: 77001, tasks: [{ number: "79990003333" }] })).body,
    ).toEqual({ result: 1000 });
    expect((await listTasks(77001)).map((t) => t.number)).toContain("79990003333");
    expect((await mangoPost(url, "task/add", { campaign_id: 4242, number: "79990004444" })).body).toEqual({
      result: 3300,
    });
  });

  it("over the active-task limits set through the control API: 5108 for the campaign, 5113 for the account", async () => {
    const active = (tasks: V2Task[]) => tasks.filter((t) => [1, 2].includes(Number(t.task_status))).length;
    const inEndless = active(await listTasks(56919));
    await control(url, "task-limits", { activePerCampaign: inEndless + 1 });
    expect(
      (await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990006001" })).body,
    ).toMatchObject({
      result: 1000,
    });
    expect((await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990006002" })).body).toEqual({
      result: 5108,
    });
    // Another campaign has its own limit; two at once count as two.
    const inPaused = active(await listTasks(77001));
    await control(url, "task-limits", { activePerCampaign: inPaused + 1 });
    const two = [{ number: "79990006003" }, { number: "79990006004" }];
    expect((await mangoPost(url, "tasks/push", { campaign_id: 77001, tasks: two })).body).toEqual({
      result: 5108,
    });
    expect(active(await listTasks(77001))).toBe(inPaused);

    const all = inEndless + 1 + inPaused + active(await listTasks(77002)) + active(await listTasks(1254251));
    await control(url, "task-limits", { activePerCampaign: null, activeTotal: all });
    expect((await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990006005" })).body).toEqual({
      result: 5113,
    });
    await control(url, "reset", {});
    expect(await control(url, "task-limits")).toEqual({ activePerCampaign: null, activeTotal: null });
  });

  it("deletes a campaign's task", async () => {
    const tasks = await listTasks(77002);
    expect(tasks.length).toBe(2);
    const del = await mangoPost(url, "task/delete", { campaign_id: 77002, task_id: tasks[0]?.task_id });
    expect(del.body).toEqual({ result: 1000 });
    expect((await listTasks(77002)).map((t) => t.task_id)).toEqual([tasks[1]?.task_id]);
    expect((await mangoPost(url, "task", { task_id: tasks[0]?.task_id })).body).toEqual({ result: 3300 });
  });

  it("paginates the v2 list with a cursor", async () => {
    for (let i = 0; i < 3; i++)
      await mangoPost(url, "task/add", { campaign_id: 56919, number: `7999000500${i}` });
    const first = await mangoPost(url, "v2/campaign/tasks", { campaign_ids: 56919, limit: 2 });
    const page1 = first.body as { tasks: V2Task[]; cursor?: string };
    expect(page1.tasks).toHaveLength(2);
    expect(typeof page1.cursor).toBe("string");
    const second = await mangoPost(url, "v2/campaign/tasks", {
      campaign_ids: 56919,
      limit: 2,
      cursor: page1.cursor,
    });
    const page2 = second.body as { tasks: V2Task[]; cursor?: string };
    expect(page2.tasks).toHaveLength(1);
    expect(page2.cursor).toBeUndefined();
  });
});

describe("campaign status", () => {
  it("start/stop return the resulting status; a completed campaign cannot be restarted", async () => {
    expect((await mangoPost(url, "campaign/start", { campaign_id: 77001 })).body).toEqual({
      result: 1000,
      status: 1,
    });
    await advance(url, 3000);
    const list = (await mangoPost(url, "campaign/list", {})).body as {
      campaigns: Array<{ campaign_id: number; status: number }>;
    };
    expect(list.campaigns.find((c) => c.campaign_id === 77001)?.status).toBe(2);
    expect((await mangoPost(url, "campaign/stop", { campaign_id: 77001 })).body).toEqual({
      result: 1000,
      status: 0,
    });
    expect((await mangoPost(url, "campaign/start", { campaign_id: 1254251 })).body).toEqual({ result: 5106 });
  });

  it("an account without КЦ answers 5008", async () => {
    expect((await mangoPost(url, "campaign/list", {}, OTHER)).body).toEqual({ result: 5008 });
  });
});

describe("campaign calls", () => {
  it("carry the task id and ObDial initiator; topics and the operator comment appear after post-call processing", async () => {
    const { entry_id, task_id } = await control(url, "scenarios", {
      type: "campaign",
      campaignId: 77002,
      operator: "102",
      topics: [10070002, 10070004],
      comment: "Согласен на продление",
      talkSeconds: 40,
    });
    await advance(url, 60_000);
    const calls = rx.of("events/call");
    expect(calls.length).toBeGreaterThan(0);
    expect(
      calls.every(
        (c) => c.task_id === task_id && c.callback_initiator === "ObDial" && c.entry_id === entry_id,
      ),
    ).toBe(true);
    expect(rx.of("events/summary")[0]).toMatchObject({ entry_id, entry_result: 1 });
    // Still inside the campaign's call_processing (30 s): nothing recorded yet.
    const early = (await mangoPost(url, "cc/call/", { entry_id })).body as {
      call: { tag_id: number[]; call_comment: string[] };
    };
    expect(early.call.tag_id).toEqual([]);
    await advance(url, 31_000);
    const late = (await mangoPost(url, "cc/call/", { entry_id })).body as {
      result: number;
      call: { tag_id: number[]; call_comment: string[] };
    };
    expect(late.result).toBe(1000);
    expect(late.call.tag_id).toEqual([10070002, 10070004]);
    expect(late.call.call_comment).toEqual(["Согласен на продление"]);
    const task = (await listTasks(77002)).find((t) => t.task_id === task_id);
    expect(task).toMatchObject({
      task_status: 4,
      task_status_reason: 1,
      task_comment: "Согласен на продление",
    });
  });

  it("a client who does not answer leaves the task queued with reason 3", async () => {
    const { task_id } = await control(url, "scenarios", {
      type: "campaign",
      campaignId: 77002,
      outcome: "client_no_answer",
      instant: true,
    });
    await control(url, "deliveries?wait=1");
    const task = (await listTasks(77002)).find((t) => t.task_id === task_id);
    expect(task).toMatchObject({ task_status: 1, task_status_reason: 3 });
    expect((await mangoPost(url, "cc/call/", { entry_id: "unknown" })).body).toEqual({ result: 3300 });
  });
});
