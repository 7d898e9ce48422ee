// MANGO's per-product limits kept in PostgreSQL: two app instances (a pool each) share one PBX's budgets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, migrateDb, openDb } from "@/db/client";
import { MangoRateLimitError } from "@/server/mango/errors";
import { createTestDb, type TestDb } from "@/test/db";
import { type Harness, startHarness } from "@/test/mango-emulator";
import { reserveSlots } from "./budget";
import { mangoRateLimiter } from "./mango";

let t: TestDb;
let instanceA: DbHandle;
let instanceB: DbHandle;
let h: Harness;

beforeAll(async () => {
  t = await createTestDb();
  instanceA = await openDb({ databaseUrl: t.url, max: 4 });
  instanceB = await openDb({ databaseUrl: t.url, max: 4 });
  h = await startHarness(); // the emulator's clock runs in real time until a test freezes it
});
afterAll(async () => {
  await h?.close();
  await instanceA?.close();
  await instanceB?.close();
  await t?.drop();
});

/** The largest number of times in one window [x, x + windowMs), over every alignment. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Number.POSITIVE_INFINITY) < (sorted[i] ?? 0) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

const general = { key: "mango:t:vpbx", capacity: 10, windowMs: 1000 };
const users = { key: "mango:t:vpbx:config/users/request", capacity: 1, windowMs: 2000 };

describe("reserveSlots (one slot in several budgets)", () => {
  it("keeps both limits when 30 general and 3 one-per-2-s requests race from two pools", async () => {
    const calls = [
      ...Array.from({ length: 30 }, (_, i) => ({ limits: [general], db: i % 2 ? instanceA : instanceB })),
      ...Array.from({ length: 3 }, (_, i) => ({
        limits: [users, general],
        db: i % 2 ? instanceA : instanceB,
      })),
    ];
    const slots = await Promise.all(calls.map((c) => reserveSlots(c.db.db, c.limits)));
    const all = slots.map((s) => s.slotMs);
    const userSlots = slots.slice(30).map((s) => s.slotMs);
    expect(busiestWindow(all, 1000)).toBe(10);
    expect(busiestWindow(userSlots, 2000)).toBe(1);
    expect(slots.filter((s) => s.waitMs === 0).length).toBeGreaterThanOrEqual(1);
  });

  it("works on PGlite, creating the budgets' rows on first use", async () => {
    const lite = await openDb({});
    try {
      await migrateDb(lite);
      const limits = [
        { key: "lite:a", capacity: 2, windowMs: 1000 },
        { key: "lite:b", capacity: 3, windowMs: 1000 },
      ];
      const slots = await Promise.all(Array.from({ length: 5 }, () => reserveSlots(lite.db, limits)));
      const times = slots.map((s) => s.slotMs);
      expect(busiestWindow(times, 1000)).toBe(2);
      expect(slots.filter((s) => s.waitMs === 0)).toHaveLength(2);
    } finally {
      await lite.close();
    }
  });
});

describe("two instances on one MANGO product (emulator: 429 over its limits)", () => {
  it("30 reads and 3 employee lists from two instances: none refused, 10/s and 1 per 2 s kept", async () => {
    const sent: Record<string, number[]> = {};
    const client = (db: DbHandle) =>
      h.client({
        maxRetries: 0, // a 429 must surface, not be retried away
        rateLimiter: mangoRateLimiter(db.db, "tenant-1"),
        fetch: (url, init) => {
          const method = url.replace(/^.*\/vpbx\//, "");
          const times = sent[method] ?? [];
          times.push(Date.now());
          sent[method] = times;
          return fetch(url, init);
        },
      });
    const [a, b] = [client(instanceA), client(instanceB)];
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).getLines()),
      ...Array.from({ length: 3 }, (_, i) => (i % 2 ? a : b).getUsers()),
    ]);
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
    const log = (await h.control("requests")).requests as { status: number }[];
    expect(log.filter((r) => r.status === 429)).toHaveLength(0);
    expect(log.filter((r) => r.status === 200)).toHaveLength(33);
    expect(refused.filter((e) => e instanceof MangoRateLimitError)).toEqual([]);
    expect(refused.map(String)).toEqual([]);
    const lines = sent.incominglines ?? [];
    const employees = sent["config/users/request"] ?? [];
    expect(lines).toHaveLength(30);
    expect(employees).toHaveLength(3);
    expect(busiestWindow([...lines, ...employees], 1000)).toBeLessThanOrEqual(10);
    expect(busiestWindow(employees, 2000)).toBe(1);
  });
});
