import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMangoEmulator } from "./server";
import { control, mangoPost, type Receiver, startReceiver } from "./test-support";

/** The /__control/ API other tests and the demo rely on: snapshot/load, clock, logs, webhook, campaigns. */

const dir = mkdtempSync(path.join(tmpdir(), "mango-emu-"));
const snapshotFile = path.join(dir, "snapshot.json");
let url: string;
let close: () => Promise<void>;
let rx: Receiver;

beforeAll(async () => {
  const started = Date.now();
  const emu = await startMangoEmulator({ port: 0, snapshotFile });
  expect(Date.now() - started).toBeLessThan(2000);
  url = emu.url;
  close = emu.close;
  rx = await startReceiver();
});
afterAll(async () => {
  await close();
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await control(url, "reset", {});
  rx.events.length = 0;
});

const taskCount = async () =>
  (
    (await mangoPost(url, "v2/campaign/tasks", { campaign_ids: 56919, limit: 100 })).body as {
      tasks: unknown[];
    }
  ).tasks.length;

describe("control API", () => {
  it("seeds the demo account with the documented default webhook", async () => {
    expect(await control(url, "webhook")).toEqual({
      pbx: "demo",
      url: "http://localhost:3000/api/mango/demo",
    });
    const state = await control(url, "state");
    const pbxes = state.pbxes as Array<{
      id: string;
      apiKey: string;
      employees: Array<{ extension: string; name: string }>;
    }>;
    expect(pbxes.map((p) => [p.id, p.apiKey])).toEqual([
      ["demo", "demo-vpbx-key"],
      ["other", "other-vpbx-key"],
    ]);
    expect(pbxes[0]?.employees.map((e) => e.extension)).toEqual(["101", "102", "103", "104", "105"]);
  });

  it("snapshots to a file and loads it back (a later change is undone)", async () => {
    await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990007777" });
    expect((await control(url, "snapshot", {})).file).toBe(snapshotFile);
    await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990008888" });
    expect(await taskCount()).toBe(2);
    await control(url, "load", {});
    expect(await taskCount()).toBe(1);
    // A second emulator started on the same snapshot file begins from that state.
    const second = await startMangoEmulator({ port: 0, snapshotFile });
    const r = await mangoPost(second.url, "v2/campaign/tasks", { campaign_ids: 56919 });
    expect((r.body as { tasks: Array<{ number: string }> }).tasks.map((t) => t.number)).toEqual([
      "79990007777",
    ]);
    await second.close();
  });

  it("sets the clock: event timestamps follow it", async () => {
    const at = Date.parse("2026-12-01T10:00:00Z");
    await control(url, "clock", { freeze: true, set: at });
    await control(url, "webhook", { url: rx.url });
    await control(url, "scenarios", {
      type: "outgoing",
      from: "101",
      to: "79990001122",
      talkSeconds: 10,
      instant: true,
    });
    await control(url, "deliveries?wait=1");
    const first = rx.of("events/call")[0];
    expect(first?.timestamp).toBe(at / 1000);
    expect(rx.of("events/summary")[0]?.end_time).toBe(at / 1000 + 18);
    await control(url, "clock", { freeze: false, speed: 1 });
  });

  it("runs a timeline fast with speed", async () => {
    await control(url, "webhook", { url: rx.url });
    await control(url, "clock", { freeze: false, speed: 2000 });
    await control(url, "scenarios", { type: "outgoing", from: "101", to: "79990001122", talkSeconds: 20 });
    await rx.waitFor((ev) => ev.some((e) => e.path === "events/summary"), 3000);
    expect(rx.of("events/call")).toHaveLength(3);
    await control(url, "clock", { speed: 1 });
  });

  it("logs API requests with their result codes", async () => {
    await mangoPost(url, "incominglines", {});
    await mangoPost(url, "incominglines", {}, { key: "demo-vpbx-key", salt: "x" });
    const log = (await control(url, "requests")).requests as Array<{
      path: string;
      status: number;
      code: number | null;
    }>;
    expect(log.map((r) => [r.path, r.status, r.code])).toEqual([
      ["/vpbx/incominglines", 200, 1000],
      ["/vpbx/incominglines", 420, 3102],
    ]);
  });

  it("changes a campaign's status (e.g. completes it) and reports errors clearly", async () => {
    const c = await control(url, "campaigns/56919", { status: 4 });
    expect(c).toMatchObject({ campaign_id: 56919, status: 4 });
    expect((await mangoPost(url, "task/add", { campaign_id: 56919, number: "79990009999" })).body).toEqual({
      result: 5106,
    });
    const bad = await fetch(`${url}/__control/scenarios`, {
      method: "POST",
      body: JSON.stringify({ type: "nope" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBeTruthy();
  });
});
