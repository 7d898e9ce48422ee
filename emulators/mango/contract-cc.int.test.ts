import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  type ContractEnv,
  clean,
  expectAccepted,
  expectShape,
  loadSample,
  openEnv,
  resetEnv,
  sampleFiles,
  scenario,
} from "./contract-env";
import { advance } from "./test-support";

/**
 * Contract: every sample in samples/mango-cc/ (Contact Center: campaigns, tasks, call topics/comments,
 * auto-callback). Responses are compared shape-for-shape; requests are sent verbatim (minus the research
 * annotation "_transport") and must be accepted.
 */

type Check = (env: ContractEnv, sample: unknown) => Promise<void>;

/** Seeded user_id of extension 101 (read through the API, not hard-coded). */
async function userIdOf(env: ContractEnv, ext: string): Promise<number> {
  const r = await api(env, "config/users/request", { extension: ext, ext_fields: ["general.user_id"] });
  const users = (r.body as { users: Array<{ general: { user_id: number } }> }).users;
  return users[0]?.general.user_id ?? -1;
}

async function autoCallbackPayload(env: ContractEnv): Promise<Record<string, unknown>> {
  const sample = clean(loadSample("mango-cc", "cc-task-add-autocallback-request.json"));
  // The sample's to_user_id belongs to MANGO's example account; ours is looked up.
  return { ...sample, to_user_id: await userIdOf(env, "101") };
}

const plans: Record<string, Check | string> = {
  "campaign-list-response.json": async (env, sample) => {
    const r = await api(env, "campaign/list", {});
    // `endless` is a documented campaign field (SPEC §4.6.3) the shortened example happens not to show.
    expectShape(sample, r.body, ["$.campaigns[].endless"]);
    const statuses = (r.body as { campaigns: Array<{ status: number }> }).campaigns.map((c) => c.status);
    expect(statuses).toEqual(expect.arrayContaining([0, 2, 4]));
  },
  "campaign-start-response.json": async (env, sample) => {
    const r = await api(env, "campaign/start", { campaign_id: "77001" });
    expectShape(sample, r.body);
    expect(r.body).toEqual({ result: 1000, status: 1 });
  },
  "cc-call-response.json": async (env, sample) => {
    const { entry_id } = await scenario(env, {
      type: "campaign",
      campaignId: 77002,
      topics: [10070002],
      comment: "Клиент просил перезвонить",
    });
    const r = await api(env, "cc/call/", { entry_id });
    expectShape(sample, r.body);
    const call = (r.body as { call: { tag_id: number[]; call_comment: string[] } }).call;
    expect(call.tag_id).toEqual([10070002]);
    expect(call.call_comment).toEqual(["Клиент просил перезвонить"]);
  },
  "cc-tags-response.json": async (env, sample) => expectShape(sample, (await api(env, "cc/tags/", {})).body),
  "cc-task-add-autocallback-request.json": async (env) => {
    const r = await api(env, "task/add", await autoCallbackPayload(env), "cc");
    expectAccepted(r);
  },
  "cc-task-add-autocallback-response.json": async (env, sample) => {
    const r = await api(env, "task/add", await autoCallbackPayload(env), "cc");
    expectShape(sample, r.body);
    const { auto_call_task_id } = r.body as { auto_call_task_id: number };
    // The auto-callback call follows; its events carry task_id = auto_call_task_id.
    await advance(env.url, 300_000);
    expect(env.rx.of("events/call").some((e) => e.task_id === auto_call_task_id)).toBe(true);
  },
  "task-add-request.json": async (env, sample) => {
    const r = await api(env, "task/add", clean(sample));
    expectAccepted(r);
    expect(typeof (r.body as { task_id: number }).task_id).toBe("number");
  },
  "task-add-response.json": async (env, sample) => {
    const r = await api(env, "task/add", {
      campaign_id: 56919,
      number: "+79990001234",
      name: "Новый клиент",
    });
    expectShape(sample, r.body);
  },
  "task-get-response.json": async (env, sample) => {
    const add = await api(env, "task/add", clean(loadSample("mango-cc", "task-add-request.json")));
    const r = await api(env, "task", { task_id: String((add.body as { task_id: number }).task_id) });
    expectShape(sample, r.body);
    expect((r.body as { task: { number: string } }).task.number).toBe("375291111111");
  },
  "tasks-push-request.json": async (env, sample) => {
    const r = await api(env, "tasks/push", clean(sample));
    expect(r.body).toEqual({ result: 1000 });
    const list = await api(env, "v2/campaign/tasks", { campaign_ids: 56919, limit: 100 });
    const numbers = (list.body as { tasks: Array<{ number: string }> }).tasks.map((t) => t.number);
    expect(numbers).toContain("375291111111");
  },
  "v2-campaign-tasks-response.json": async (env, sample) => {
    const r = await api(env, "v2/campaign/tasks", {
      campaign_ids: 77002,
      fields: ["alias_all"],
      limit: 100,
      cursor: null,
    });
    expectShape(sample, r.body);
    expect((r.body as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);
  },
};

describe("MANGO Contact Center samples (samples/mango-cc)", () => {
  let env: ContractEnv;
  beforeAll(async () => {
    env = await openEnv();
  });
  afterAll(async () => env.close());
  beforeEach(async () => resetEnv(env));

  const files = sampleFiles("mango-cc");
  it("every sample file has a contract check (or a stated reason)", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => !(f in plans))).toEqual([]);
    expect(Object.keys(plans).filter((f) => !files.includes(f))).toEqual([]);
  });
  for (const file of files) {
    it(file, async () => {
      const plan = plans[file];
      if (typeof plan !== "function") throw new Error(`no check for ${file}: ${plan ?? "missing"}`);
      await plan(env, loadSample("mango-cc", file));
    });
  }
});
