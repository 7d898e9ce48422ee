import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CAMPAIGN_ACTIVE_ENDLESS,
  CAMPAIGN_ACTIVE_FINITE,
  CAMPAIGN_COMPLETED,
  OTHER_VPBX_API_KEY,
  OTHER_VPBX_API_SALT,
} from "@/emulators/mango/seed";
import { type Harness, startHarness } from "@/test/mango-emulator";
import { MangoCampaignError, MangoNotFoundError, MangoServerError } from "./errors";
import { callEventSchema } from "./event-types";
import { toCallEvent } from "./events";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

describe("Contact Center campaigns against the emulator", () => {
  it("lists campaigns with their status and whether they take tasks", async () => {
    const campaigns = await h.client().listCampaigns();
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    expect(byId.get(CAMPAIGN_COMPLETED)).toMatchObject({ status: "completed", acceptsTasks: false });
    expect(byId.get(CAMPAIGN_ACTIVE_ENDLESS)).toMatchObject({
      status: "running",
      endless: true,
      acceptsTasks: true,
    });
    expect(byId.get(CAMPAIGN_ACTIVE_FINITE)?.acceptsTasks).toBe(false);
  });

  it("adding a task to a completed campaign is a typed campaign error (5106)", async () => {
    const err = await h
      .client()
      .addCampaignTask({ campaignId: CAMPAIGN_COMPLETED, number: "+79990001122", name: "Клиент" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MangoCampaignError);
    expect((err as MangoCampaignError).code).toBe(5106);
    expect((err as MangoCampaignError).retrySafe).toBe(false);
    expect((err as MangoCampaignError).humanMessage).toBe("Статус кампании не позволяет выполнить действие");
  });

  it("adds, reads, lists and deletes a task in an endless campaign; a second add of the number is 5109", async () => {
    const client = h.client();
    const { taskId } = await client.addCampaignTask({
      campaignId: CAMPAIGN_ACTIVE_ENDLESS,
      number: "+79990001122",
      name: "Сделка 42",
      comment: "Из amoCRM",
      alternativeNumbers: ["+79990001133"],
    });
    const task = await client.getCampaignTask(taskId);
    expect(task).toMatchObject({
      taskId,
      campaignId: CAMPAIGN_ACTIVE_ENDLESS,
      phone: "+79990001122",
      status: "queued",
    });
    expect(task.alternativeNumbers.length).toBe(1);

    const again = await client
      .addCampaignTask({ campaignId: CAMPAIGN_ACTIVE_ENDLESS, number: "+79990001122" })
      .catch((e: unknown) => e);
    expect((again as MangoCampaignError).code).toBe(5109);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof client.listCampaignTasks>> = await client.listCampaignTasks({
        campaignIds: [CAMPAIGN_ACTIVE_ENDLESS],
        limit: 1,
        cursor,
      });
      seen.push(...page.tasks.map((t) => t.taskId));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toContain(taskId);

    await client.deleteCampaignTask({ campaignId: CAMPAIGN_ACTIVE_ENDLESS, taskId });
    await expect(client.getCampaignTask(taskId)).rejects.toBeInstanceOf(MangoNotFoundError);
  });

  it("reads the operator's topics and comment of a campaign call once post-call processing is over", async () => {
    const client = h.client();
    const topics = await client.listCcTopics();
    expect(topics.find((t) => t.id === 10070002)?.name).toBe("Интересно");
    const { entry_id } = (await h.control("scenarios", {
      type: "campaign",
      campaignId: CAMPAIGN_ACTIVE_FINITE,
      operator: "102",
      topics: [10070002],
      comment: "Перезвонить в пятницу",
    })) as { entry_id: string };
    // Right after the call the operator is still in post-call processing: callers poll, as MANGO's widget does.
    await h.advance(60_000);
    const early = await client.getCcCall(entry_id);
    expect(early).toMatchObject({ topicIds: [], comments: [] });
    await h.advance(600_000);
    const late = await client.getCcCall(entry_id);
    expect(late.topicIds).toEqual([10070002]);
    expect(late.comments).toEqual(["Перезвонить в пятницу"]);
    // Campaign calls are recognisable in events/call by the task id and the initiator.
    const calls = h.of("events/call").map((e) => toCallEvent(callEventSchema.parse(e)));
    expect(calls.some((c) => c.taskId !== null && c.callbackInitiator === "ObDial")).toBe(true);
    expect(h.refused).toEqual([]);
  });

  it("an auto-callback task goes to /cc/ and its call carries the task id", async () => {
    const now = Math.floor(Number((await h.control("clock")).now) / 1000);
    const { autoCallTaskId } = await h.client().addAutoCallbackTask({
      toUserId: 4000000111,
      phone: "8 999 000-11-44",
      startTime: now,
      description: "Заявка",
    });
    await h.advance(120_000);
    const calls = h.of("events/call").map((e) => toCallEvent(callEventSchema.parse(e)));
    expect(calls.some((c) => c.taskId === autoCallTaskId)).toBe(true);
  });

  it("an account without the КЦ API answers 5008, surfaced as a server error safe to repeat", async () => {
    const err = await h
      .client({ apiKey: OTHER_VPBX_API_KEY, salt: OTHER_VPBX_API_SALT, maxRetries: 0 })
      .listCampaigns()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MangoServerError);
    expect((err as MangoServerError).code).toBe(5008);
    expect((err as MangoServerError).retrySafe).toBe(true);
  });
});
