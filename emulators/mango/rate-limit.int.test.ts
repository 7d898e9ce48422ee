import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMangoEmulator } from "./server";
import { control, mangoPost, samplesRoot } from "./test-support";

/** Per-method limits (SPEC §1.4.2) with the documented 429 body; КЦ API limits answer 5008 (§1.4.3). */

const RATE_LIMIT_BODY = JSON.parse(
  readFileSync(path.join(samplesRoot, "mango/error-rate-limit-429.json"), "utf8"),
);

let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const emu = await startMangoEmulator({ port: 0 });
  url = emu.url;
  close = emu.close;
});
afterAll(async () => close());
beforeEach(async () => {
  await control(url, "reset", {});
  await control(url, "webhook", { url: "http://127.0.0.1:9/unused" });
  await control(url, "delivery", { retryDelaysMs: [] });
  await control(url, "clock", { freeze: true });
});

describe("rate limits", () => {
  it("config/users/request: 1 per 2 s, then the documented 429 body", async () => {
    expect((await mangoPost(url, "config/users/request", {})).status).toBe(200);
    const r = await mangoPost(url, "config/users/request", {});
    expect(r.status).toBe(429);
    expect(r.body).toEqual(RATE_LIMIT_BODY);
    expect(r.body).toEqual({
      name: "Service Unavailable",
      message: "Rate limit exceeded.",
      code: 0,
      status: 429,
    });
    await control(url, "clock", { advance: 2000 });
    expect((await mangoPost(url, "config/users/request", {})).status).toBe(200);
  });

  it("commands/callback: 4 per second", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await mangoPost(url, "commands/callback", {
        command_id: `rl-${i}`,
        from: { extension: "101" },
        to_number: "79990001122",
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it("any request: 10 per second per account; other accounts are counted separately", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await mangoPost(url, "incominglines", {})).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    const other = await mangoPost(
      url,
      "incominglines",
      {},
      { key: "other-vpbx-key", salt: "other-vpbx-salt" },
    );
    expect(other.status).toBe(200);
    await control(url, "clock", { advance: 1000 });
    expect((await mangoPost(url, "incominglines", {})).status).toBe(200);
  });

  it("a refused (429) request does not count as a bad request and does not lock the key", async () => {
    await mangoPost(url, "config/users/request", {});
    for (let i = 0; i < 3; i++) expect((await mangoPost(url, "config/users/request", {})).status).toBe(429);
    expect((await mangoPost(url, "incominglines", {})).status).toBe(200);
  });

  it('КЦ /cc/task/add: 5 per second, then {"result":5008}', async () => {
    const body = {
      event_type: 1,
      start_time: 1893456000,
      to_user_id: 4000000111,
      is_auto_call: 0,
      description: "перезвонить",
    };
    const results: unknown[] = [];
    for (let i = 0; i < 6; i++)
      results.push((await mangoPost(url, "task/add", body, undefined, { base: "cc" })).body);
    expect(results.slice(0, 5).every((r) => (r as { result: number }).result === 1000)).toBe(true);
    expect(results[5]).toEqual({ result: 5008 });
  });
});
