import { describe, expect, it } from "vitest";
import { noSleep, type ScriptedReply, scriptedFetch } from "@/test/mango-fetch";
import { createMangoClient } from "./api";
import { MangoCampaignError, MangoNotFoundError } from "./errors";
import { recordingLinkSign } from "./sign";

function client(script: ScriptedReply[], baseUrl = "https://app.mango-office.ru/vpbx") {
  const { fetch, sent } = scriptedFetch(script);
  return { c: createMangoClient({ baseUrl, apiKey: "key", salt: "salt", fetch, ...noSleep() }), sent };
}

describe("VPBX methods", () => {
  it("sends phones as MANGO digits and extensions unchanged", async () => {
    const { c, sent } = client([{ status: 200, json: { result: 1000 } }]);
    await c.callback({ commandId: "c1", fromExtension: "101", toNumber: "102" });
    await c.callback({
      commandId: "c2",
      fromExtension: "101",
      toNumber: "sip:79991234567@x.mangosip.ru",
      lineNumber: "sip-main",
    });
    expect(sent.map((s) => s.payload)).toEqual([
      { command_id: "c1", from: { extension: "101" }, to_number: "102" },
      { command_id: "c2", from: { extension: "101" }, to_number: "79991234567", line_number: "sip-main" },
    ]);
  });

  it("refuses a command id MANGO would not echo back (empty or over 128 bytes)", async () => {
    const { c, sent } = client([{ status: 200, json: { result: 1000 } }]);
    await expect(c.callback({ commandId: "", fromExtension: "101", toNumber: "102" })).rejects.toThrow(
      RangeError,
    );
    await expect(
      c.sendSms({ commandId: "я".repeat(65), fromExtension: "101", toNumber: "102", text: "x" }),
    ).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
  });

  it("builds the signed GET recording link", () => {
    const { c } = client([]);
    const url = c.recordingLink("MToxMDA=+/", 1_800_000_000.7, "play");
    const sig = recordingLinkSign("key", "1800000000", "MToxMDA=+/", "salt");
    expect(url).toBe(
      `https://app.mango-office.ru/vpbx/queries/recording/link/MToxMDA%3D%2B%2F/play/key/1800000000/${sig}`,
    );
  });

  it("reads lines and groups", async () => {
    const { c, sent } = client([
      { status: 200, json: { result: 1000, lines: [{ line_id: 1, number: "74950000000", region: "77" }] } },
      { status: 200, json: { result: 1000, groups: [{ id: 5, name: "Продажи", extension: "201" }] } },
    ]);
    expect(await c.getLines()).toMatchObject([{ lineId: 1, phone: "+74950000000", kind: "regional" }]);
    expect(await c.getGroups()).toMatchObject([{ id: 5, extension: "201", operators: [] }]);
    expect(sent[1]?.payload).toEqual({ show_users: 1 });
  });
});

describe("Contact Center methods", () => {
  it("uses /cc/ for the auto-callback task and /vpbx/ for campaigns", async () => {
    const { c, sent } = client([
      { status: 200, json: { result: 1000, task_id: 1, auto_call_task_id: 2 } },
      { status: 200, json: { result: 1000, campaigns: [] } },
    ]);
    await c.addAutoCallbackTask({ toUserId: 1, phone: "89991234567", startTime: 1 });
    await c.listCampaigns();
    expect(sent.map((s) => s.url)).toEqual([
      "https://app.mango-office.ru/cc/task/add",
      "https://app.mango-office.ru/vpbx/campaign/list",
    ]);
  });

  it("surfaces a 200 answer with 5106 (completed campaign) as a campaign error", async () => {
    const { c } = client([{ status: 200, json: { result: 5106 } }]);
    const err = await c
      .addCampaignTask({ campaignId: 1254251, number: "+79991234567" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MangoCampaignError);
    expect((err as MangoCampaignError).code).toBe(5106);
    expect((err as MangoCampaignError).retrySafe).toBe(false);
  });

  it("pages campaign tasks with the cursor", async () => {
    const task = { task_id: 9, campaign_id: 1, number: "79991234567", task_status: 1 };
    const { c, sent } = client([
      { status: 200, json: { result: 1000, tasks: [task], cursor: "abc" } },
      { status: 200, json: { result: 1000, tasks: [] } },
    ]);
    const first = await c.listCampaignTasks({ campaignIds: [1], limit: 500 });
    expect(first).toMatchObject({
      cursor: "abc",
      tasks: [{ taskId: 9, status: "queued", phone: "+79991234567" }],
    });
    const second = await c.listCampaignTasks({ campaignIds: [1], cursor: first.cursor });
    expect(second).toEqual({ tasks: [], cursor: null });
    expect(sent[0]?.payload).toMatchObject({ limit: 100, cursor: null });
    expect(sent[1]?.payload).toMatchObject({ cursor: "abc" });
  });

  it("reports a vanished call entry as not found", async () => {
    const { c } = client([{ status: 200, json: { result: 3300 } }]);
    await expect(c.getCcCall("old")).rejects.toBeInstanceOf(MangoNotFoundError);
  });
});
