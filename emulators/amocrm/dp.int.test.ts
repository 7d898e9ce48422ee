// Digital Pipeline widget webhook (reference §4.3): moving a deal into a stage where the widget's action sits
// POSTs the documented payload to the configured URL (JSON, or bracket form-encoding).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID, PIPELINE_MAIN, STATUS } from "./seed";
import { fromForm, type Harness, startHarness, startReceiver } from "./test-support";

let h: Harness;
let rx: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  h = await startHarness();
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
  await h.emu.close();
});
beforeEach(async () => {
  await h.control("/reset");
  rx.got.length = 0;
});

const LEAD = 167353; // seeded in "Переговоры" of the main pipeline

describe("DP widget webhook", () => {
  it("moving a deal into the trigger stage POSTs the documented JSON payload", async () => {
    await h.control("/dp/actions", {
      subdomain: "demo",
      pipeline_id: PIPELINE_MAIN,
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp`,
      settings: { message: "Перезвонить клиенту", script_id: "42" },
    });
    const move = await h.control("/leads/move", {
      subdomain: "demo",
      lead_id: LEAD,
      status_id: STATUS.mainDecision,
    });
    expect(move.status).toBe(200);
    expect(rx.got).toHaveLength(1);
    const got = rx.got[0];
    expect(got?.method).toBe("POST");
    expect(got?.url).toBe("/dp");
    expect(got?.headers["content-type"]).toContain("application/json");
    const payload = JSON.parse(got?.body ?? "{}");
    expect(payload).toEqual({
      event: {
        type: 14,
        type_code: "lead_status_changed",
        data: {
          id: LEAD,
          element_type: 2,
          status_id: STATUS.mainDecision,
          pipeline_id: PIPELINE_MAIN,
          direction_of_movement: "went_to_trigger",
        },
        time: expect.any(Number),
      },
      action: { settings: { widget: { settings: { message: "Перезвонить клиенту", script_id: "42" } } } },
      subdomain: "demo",
      account_id: DEMO_ACCOUNT_ID,
    });
    // The deal really moved.
    await h.login();
    const lead = await h.api("GET", `/api/v4/leads/${LEAD}`);
    expect((lead.body as { status_id: number }).status_id).toBe(STATUS.mainDecision);
  });

  it("form encoding variant: bracket keys, string values", async () => {
    await h.control("/dp/actions", {
      subdomain: "demo",
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp-form`,
      settings: { message: "Hello" },
      encoding: "form",
    });
    await h.control("/leads/move", { subdomain: "demo", lead_id: LEAD, status_id: STATUS.mainDecision });
    const got = rx.got[0];
    expect(got?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    const params = new URLSearchParams(got?.body ?? "");
    expect(params.get("event[type]")).toBe("14");
    expect(params.get("event[data][id]")).toBe(String(LEAD));
    expect(params.get("event[data][direction_of_movement]")).toBe("went_to_trigger");
    expect(params.get("action[settings][widget][settings][message]")).toBe("Hello");
    expect(fromForm(got?.body ?? "")).toMatchObject({
      subdomain: "demo",
      account_id: String(DEMO_ACCOUNT_ID),
    });
  });

  it("stretched action (action_multiple): entry 14/went_to_trigger, inside 15/went_in_trigger, out went_from_trigger", async () => {
    await h.control("/dp/actions", {
      subdomain: "demo",
      status_ids: [STATUS.mainDecision, 142],
      webhook_url: `${rx.url}/dp`,
      action_multiple: true,
    });
    await h.control("/leads/move", { subdomain: "demo", lead_id: LEAD, status_id: STATUS.mainDecision });
    await h.control("/leads/move", { subdomain: "demo", lead_id: LEAD, status_id: 142 });
    await h.control("/leads/move", { subdomain: "demo", lead_id: LEAD, status_id: STATUS.mainFirstContact });
    const events = rx.got.map((g) => JSON.parse(g.body).event);
    expect(events.map((e) => [e.type, e.data.direction_of_movement])).toEqual([
      [14, "went_to_trigger"],
      [15, "went_in_trigger"],
      [14, "went_from_trigger"],
    ]);
  });

  it("entry event type is switchable to the official example's 15 / lead_appeared_in_status", async () => {
    await h.control("/dp/options", { entry_type_code: "lead_appeared_in_status" });
    await h.control("/dp/actions", {
      subdomain: "demo",
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp`,
    });
    await h.control("/leads/move", { subdomain: "demo", lead_id: LEAD, status_id: STATUS.mainDecision });
    const event = JSON.parse(rx.got[0]?.body ?? "{}").event;
    expect([event.type, event.type_code, event.data.direction_of_movement]).toEqual([
      15,
      "lead_appeared_in_status",
      "went_to_trigger",
    ]);
  });

  it("a move done through the API (PATCH /leads) fires it too; other stages do not", async () => {
    await h.control("/dp/actions", {
      subdomain: "demo",
      status_id: STATUS.mainDecision,
      webhook_url: `${rx.url}/dp`,
    });
    await h.login();
    await h.api("PATCH", "/api/v4/leads", [{ id: LEAD, status_id: STATUS.mainFirstContact }]);
    await h.control("/deliveries/settle");
    expect(rx.got).toHaveLength(0);
    await h.api("PATCH", `/api/v4/leads/${LEAD}`, { status_id: STATUS.mainDecision });
    const deliveries = (await h.control("/deliveries/settle")).body as Array<{
      kind: string;
      status: number;
    }>;
    expect(rx.got).toHaveLength(1);
    expect(deliveries.at(-1)).toMatchObject({ kind: "dp", status: 200 });
  });
});
