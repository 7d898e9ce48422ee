// The request budget in PostgreSQL: two app instances (a pool each) share one amoCRM account's 7 rps.

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, migrateDb, openDb, registerProcessPool } from "@/db/client";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { createAmocrmClient, type RateLimiter } from "@/server/amocrm";
import { connect, control, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { amocrmBudgetKey, amocrmRateLimiter } from "./amocrm";
import { budgetRateLimiter, reserveSlot } from "./budget";

let t: TestDb;
let instanceA: DbHandle;
let instanceB: DbHandle;
let emu: RunningAmocrmEmulator;

beforeAll(async () => {
  t = await createTestDb();
  // Two "processes": each with its own pool on the same database.
  instanceA = await openDb({ databaseUrl: t.url, max: 4 });
  instanceB = await openDb({ databaseUrl: t.url, max: 4 });
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
  await instanceA?.close();
  await instanceB?.close();
  await t?.drop();
});

/** The largest number of times that fall in one window [x, x + windowMs), over every alignment. */
function busiestWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] ?? Number.POSITIVE_INFINITY) < (sorted[i] ?? 0) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

describe("busiestWindow (the counting the tests below rely on)", () => {
  it("counts every alignment of the window", () => {
    expect(busiestWindow([0, 999, 1000, 2000])).toBe(2);
    expect(busiestWindow([0, 999, 1000, 1998])).toBe(3);
    expect(busiestWindow([0, 10, 20, 1500, 1990, 2000])).toBe(3);
    expect(busiestWindow([])).toBe(0);
  });
});

describe("reserveSlot on PostgreSQL", () => {
  it("hands 60 concurrent reservations from two pools slots no 1-second window holds more than 7 of", async () => {
    const limit = { key: "test:two-pools", capacity: 7, windowMs: 1000 };
    const slots = await Promise.all(
      Array.from({ length: 60 }, (_, i) => reserveSlot((i % 2 ? instanceA : instanceB).db, limit)),
    );
    const times = slots.map((s) => s.slotMs);
    expect(busiestWindow(times)).toBe(7);
    // The first seven go at once, the rest wait their turn: 60 slots need 8 full windows (+ margin).
    expect(slots.filter((s) => s.waitMs === 0).length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(8 * 1050);
  });

  it("keeps budgets apart: a busy key does not delay another key", async () => {
    const busy = { key: "test:busy", capacity: 2, windowMs: 2000 };
    await Promise.all([1, 2, 3, 4].map(() => reserveSlot(instanceA.db, busy)));
    const quiet = await reserveSlot(instanceB.db, { key: "test:quiet", capacity: 2, windowMs: 2000 });
    expect(quiet.waitMs).toBe(0);
    const next = await reserveSlot(instanceB.db, busy);
    expect(next.waitMs).toBeGreaterThan(0);
  });

  it("a limiter used inside a transaction commits its slot at once: another instance is not held", async () => {
    const closeSidePool = await registerProcessPool(t.url);
    try {
      const limit = { key: "test:in-transaction", capacity: 7, windowMs: 1000 };
      await instanceA.db.transaction(async (tx) => {
        await budgetRateLimiter(tx, limit).take();
        // The transaction is still open: the other instance reserves now, or fails after 2 s of waiting.
        const other = await instanceB.db.transaction(async (t2) => {
          await t2.execute(sql`set local lock_timeout = '2s'`);
          return reserveSlot(t2, limit);
        });
        expect(other.waitMs).toBe(0);
      });
    } finally {
      await closeSidePool();
    }
  });

  it("refuses a budget without capacity", async () => {
    await expect(
      reserveSlot(instanceA.db, { key: "test:zero", capacity: 0, windowMs: 1000 }),
    ).rejects.toThrow(/capacity/);
  });
});

describe("reserveSlot on PGlite (the embedded default)", () => {
  it("migrates and hands out the same slots", async () => {
    const lite = await openDb({});
    try {
      await migrateDb(lite);
      const limit = { key: amocrmBudgetKey("http://127.0.0.1:1/a/demo"), capacity: 7, windowMs: 1000 };
      const slots = await Promise.all(Array.from({ length: 15 }, () => reserveSlot(lite.db, limit)));
      const times = slots.map((s) => s.slotMs);
      expect(busiestWindow(times)).toBe(7);
      expect(slots.filter((s) => s.waitMs === 0)).toHaveLength(7);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2 * 1050);
      // Its one connection is the transaction's: a limiter used inside one reserves through it.
      const inside = await lite.db.transaction(async (tx) => {
        await budgetRateLimiter(tx, { key: "test:lite-tx", capacity: 7, windowMs: 1000 }).take();
        return reserveSlot(tx, { key: "test:lite-tx", capacity: 7, windowMs: 1000 });
      });
      expect(inside.waitMs).toBe(0);
    } finally {
      await lite.close();
    }
  });
});

describe("two instances on one amoCRM account (emulator: 429 over 7 requests per second)", () => {
  it("60 concurrent requests from two instances: 0 × 429, at most 7 in any second; the other account is not held up", async () => {
    const demo = await connect(emu, "demo");
    const other = await connect(emu, "other");
    await control(emu, "/requests", undefined, "DELETE");
    const sent: Record<"demo" | "other", number[]> = { demo: [], other: [] };
    const client = (account: "demo" | "other", limiter: RateLimiter) => {
      const c = account === "demo" ? demo : other;
      return createAmocrmClient({
        baseUrl: c.baseUrl,
        getAccessToken: () => c.pair.accessToken,
        rateLimiter: limiter,
        maxRetries: 0, // a 429 must surface, not be retried away
        fetch: (input, init) => {
          sent[account].push(Date.now());
          return fetch(input, init);
        },
      });
    };
    const demoA = client("demo", amocrmRateLimiter(instanceA.db, demo.baseUrl));
    const demoB = client("demo", amocrmRateLimiter(instanceB.db, demo.baseUrl));
    const otherB = client("other", amocrmRateLimiter(instanceB.db, other.baseUrl));

    const demoCalls = Array.from({ length: 60 }, (_, i) => (i % 2 ? demoA : demoB).listPipelines());
    const otherCalls = Array.from({ length: 7 }, () => otherB.listPipelines());
    const outcomes = await Promise.allSettled([...demoCalls, ...otherCalls]);

    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String(o.reason))).toEqual([]);
    const { body } = await control(emu, "/requests", undefined, "GET");
    const log = body as { path: string; status: number }[];
    expect(
      log.filter((e) => e.status === 429),
      "answered 429 by the emulator",
    ).toHaveLength(0);
    expect(log.filter((e) => e.path.startsWith("/a/demo/") && e.status === 200)).toHaveLength(60);
    expect(log.filter((e) => e.path.startsWith("/a/other/") && e.status === 200)).toHaveLength(7);

    expect(sent.demo).toHaveLength(60);
    expect(busiestWindow(sent.demo), "demo requests sent in one second").toBeLessThanOrEqual(7);
    expect(busiestWindow([...sent.demo, ...sent.other])).toBeGreaterThan(7); // two accounts, two budgets
    // The other account's seven went within demo's first window: none waited behind demo's queue.
    const demoEighth = [...sent.demo].sort((a, b) => a - b)[7] ?? 0;
    expect(Math.max(...sent.other), "the other account's last send").toBeLessThan(demoEighth);
  });
});
