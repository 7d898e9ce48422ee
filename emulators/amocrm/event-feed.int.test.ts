// The account's event feed, GET /api/v4/events (reference §6.11): lead creation, stage moves and deletion
// are recorded as they happen and read back with the documented filters and limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PIPELINE_MAIN, STATUS } from "./seed";
import { type Harness, startHarness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.emu.close());
beforeEach(async () => {
  await h.control("/reset");
  await h.login();
});

const LEAD = 167353; // seeded in «Переговоры»
type Feed = {
  _embedded: {
    events: {
      id: string;
      type: string;
      entity_id: number;
      entity_type: string;
      created_at: number;
      value_after: unknown[];
      value_before: unknown[];
      account_id: number;
      _embedded: { entity: { id: number } };
    }[];
  };
};
const leadFeed = (extra = "") =>
  h.api("GET", `/api/v4/events?filter[entity]=lead&filter[entity_id]=${LEAD}${extra}`);

describe("GET /api/v4/events", () => {
  it("has nothing for a seeded deal that never changed (204)", async () => {
    expect((await leadFeed()).status).toBe(204);
  });

  it("records a stage move with the stage before and after, newest first", async () => {
    const now = Number(((await h.control("/clock", undefined, "GET")).body as { now: number }).now);
    await h.api("PATCH", `/api/v4/leads/${LEAD}`, { status_id: STATUS.mainDecision });
    await h.api("PATCH", `/api/v4/leads/${LEAD}`, { price: 5 }); // not a move: not in the feed
    await h.api("PATCH", `/api/v4/leads/${LEAD}`, { status_id: STATUS.mainFirstContact });
    const res = await leadFeed("&filter[type]=lead_status_changed");
    expect(res.status).toBe(200);
    const events = (res.body as Feed)._embedded.events;
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      type: "lead_status_changed",
      entity_id: LEAD,
      entity_type: "lead",
      account_id: 28805383,
      value_before: [{ lead_status: { id: STATUS.mainDecision, pipeline_id: PIPELINE_MAIN } }],
      value_after: [{ lead_status: { id: STATUS.mainFirstContact, pipeline_id: PIPELINE_MAIN } }],
      _embedded: { entity: { id: LEAD } },
    });
    expect(typeof events[0]!.id).toBe("string");
    expect(events[0]!.id).toHaveLength(26);
    expect(events[1]!.value_after).toEqual([
      { lead_status: { id: STATUS.mainDecision, pipeline_id: PIPELINE_MAIN } },
    ]);
    expect(Math.abs(events[1]!.created_at - now)).toBeLessThanOrEqual(2);
    // The time window filter.
    const past = await leadFeed(`&filter[created_at][from]=${now - 600}&filter[created_at][to]=${now - 300}`);
    expect(past.status).toBe(204);
  });

  it("records a deal created through the API and a deal deleted by a user", async () => {
    const created = await h.api("POST", "/api/v4/leads", [{ name: "Новая", status_id: STATUS.mainDecision }]);
    const id = (created.body as { _embedded: { leads: { id: number }[] } })._embedded.leads[0]!.id;
    await h.control("/leads/delete", { subdomain: "demo", lead_id: id });
    expect((await h.api("GET", `/api/v4/leads/${id}`)).status).toBe(204);
    const res = await h.api("GET", `/api/v4/events?filter[entity]=lead&filter[entity_id]=${id}`);
    expect((res.body as Feed)._embedded.events.map((e) => e.type)).toEqual(["lead_deleted", "lead_added"]);
  });

  it("refuses a page over 100 (422) and entity ids without a single entity (400)", async () => {
    expect((await h.api("GET", "/api/v4/events?limit=101")).status).toBe(422);
    expect((await h.api("GET", `/api/v4/events?filter[entity_id]=${LEAD}`)).status).toBe(400);
  });
});
