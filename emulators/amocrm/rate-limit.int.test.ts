// Rate limit (reference §0, §5.2): 7 req/s per account → 429 problem+json; sustained abuse → 403; other accounts
// unaffected. The emulator's clock is frozen so that "one second" is exact, not timing-dependent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./test-support";

let h: Harness;
let demoToken: string;
let otherToken: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});
beforeEach(async () => {
  await h.control("/reset");
  otherToken = (await h.login("other")).access_token;
  demoToken = (await h.login("demo")).access_token;
  await h.control("/clock", { freeze: true });
});

describe("rate limit", () => {
  it("20 requests in one second: exactly the 13 over 7 get 429 problem+json; another account is unaffected", async () => {
    const results = [];
    for (let i = 0; i < 20; i++)
      results.push(await h.api("GET", "/api/v4/leads", undefined, { token: demoToken }));
    const statuses = results.map((r) => r.status);
    expect(statuses.slice(0, 7)).toEqual(Array(7).fill(200));
    expect(statuses.slice(7)).toEqual(Array(13).fill(429));
    for (const r of results.slice(7)) {
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body).toMatchObject({
        title: "Too Many Requests",
        type: "https://httpstatus.es/429",
        status: 429,
      });
      expect(typeof (r.body as { retry_after: unknown }).retry_after).toBe("number");
    }
    const other = await h.api("GET", "/api/v4/leads", undefined, { sub: "other", token: otherToken });
    expect(other.status).toBe(200);
  });

  it("the next second starts a fresh window", async () => {
    for (let i = 0; i < 8; i++) await h.api("GET", "/api/v4/account", undefined, { token: demoToken });
    expect((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status).toBe(429);
    await h.control("/clock", { advance: "1 s" });
    expect((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status).toBe(200);
  });

  it("sustained abuse blocks the account: every request answers 403 until the block ends", async () => {
    await h.control("/rate-limit", { abuse_threshold: 10, block_sec: 60 });
    for (let i = 0; i < 17; i++) await h.api("GET", "/api/v4/account", undefined, { token: demoToken });
    await h.control("/clock", { advance: "1 s" });
    const blocked = await h.api("GET", "/api/v4/account", undefined, { token: demoToken });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ title: "Forbidden", status: 403 });
    expect(
      (await h.api("GET", "/api/v4/account", undefined, { sub: "other", token: otherToken })).status,
    ).toBe(200);
    await h.control("/clock", { advance: "61 s" });
    expect((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status).toBe(200);
  });

  it("the limit is configurable", async () => {
    await h.control("/rate-limit", { per_second: 2 });
    const s = [];
    for (let i = 0; i < 3; i++)
      s.push((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status);
    expect(s).toEqual([200, 200, 429]);
  });
});

describe("fault injection", () => {
  it("5xx for the next N requests, then normal again; dropped connections reject the fetch", async () => {
    await h.control("/clock", { freeze: false });
    await h.control("/rate-limit", { per_second: 1000 });
    await h.control("/faults", { kind: "status", status: 503, count: 2 });
    const s = [];
    for (let i = 0; i < 3; i++)
      s.push((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status);
    expect(s).toEqual([503, 503, 200]);
    await h.control("/faults", { kind: "drop", count: 1 });
    await expect(h.api("GET", "/api/v4/account", undefined, { token: demoToken })).rejects.toThrow();
    const log = (await h.control("/requests", undefined, "GET")).body as Array<{
      status: number;
      fault?: string;
    }>;
    expect(log.filter((e) => e.fault === "status")).toHaveLength(2);
    expect(log.filter((e) => e.fault === "drop")).toHaveLength(1);
  });

  it("latency delays the response", async () => {
    await h.control("/clock", { freeze: false });
    await h.control("/faults", { kind: "latency", latency_ms: 300, count: 1 });
    const t0 = Date.now();
    expect((await h.api("GET", "/api/v4/account", undefined, { token: demoToken })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });
});

describe("a late answer", () => {
  it("stores the write first and answers after the delay, as a slow amoCRM does", async () => {
    await h.control("/clock", { freeze: false });
    await h.control("/faults", {
      kind: "late",
      latency_ms: 1500,
      count: 1,
      path_prefix: "/a/demo/api/v4/contacts/notes",
    });
    const before = ((await h.control("/state", undefined, "GET")).body as StateBody).accounts.demo.notes
      .length;
    let answered = false;
    const pending = h
      .api(
        "POST",
        "/api/v4/contacts/notes",
        [{ entity_id: 11070887, note_type: "common", params: { text: "late" } }],
        { token: demoToken },
      )
      .then((r) => {
        answered = true;
        return r;
      });
    const notesNow = async () =>
      ((await h.control("/state", undefined, "GET")).body as StateBody).accounts.demo.notes;
    let notes = await notesNow();
    while (notes.length === before) notes = await notesNow();
    expect(answered).toBe(false);
    expect(notes.at(-1)).toMatchObject({ entity_id: 11070887, params: { text: "late" } });
    expect((await pending).status).toBe(200);
  });
});

type StateBody = { accounts: { demo: { notes: { entity_id: number; params: Record<string, unknown> }[] } } };
