import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, jobRuns, tenants } from "@/db/schema";
import { defineJob, NonRetriableError } from "@/server/jobs/define";
import { createTenant } from "@/server/tenancy/queries";
import type { TestDb } from "@/test/db";
import { fakeClock, oneTenantDb } from "@/test/job-driver-world";
import { claimDueRuns } from "./claim";
import { createLocalQueue } from "./queue";
import { createLocalWorker } from "./worker";

let t: TestDb;
let tenantId: string;
beforeAll(async () => {
  ({ t, tenantId } = await oneTenantDb(1));
});
afterAll(() => t.drop());

const activityOf = async (runId: string) =>
  (await t.db.select().from(activityLog).where(eq(activityLog.sourceId, runId)))[0]!;
const runOf = async (runId: string) => (await t.db.select().from(jobRuns).where(eq(jobRuns.id, runId)))[0]!;

describe("local job driver on PostgreSQL", () => {
  it("runs an idempotency key once however often it is enqueued", async () => {
    const seen: string[] = [];
    const job = defineJob({
      id: "test.once",
      title: "once",
      payload: z.object({ n: z.number() }),
      handler: async (p) => {
        seen.push(String(p.n));
        return { status: "done" };
      },
    });
    const clock = fakeClock();
    const queue = createLocalQueue(t.db, clock.now);
    const first = await queue.enqueue(job, { n: 1 }, { tenantId, idempotencyKey: "same" });
    const second = await queue.enqueue(job, { n: 2 }, { tenantId, idempotencyKey: "same" });
    expect(second).toEqual({ runId: first.runId, created: false });
    const worker = createLocalWorker({ db: t.db, definitions: [job], now: clock.now });
    await worker.tick();
    await worker.tick();
    expect(seen).toEqual(["1"]);
    expect((await activityOf(first.runId)).status).toBe("done");
  });

  it("retries a transient error with growing delays, then fails with its reason", async () => {
    let calls = 0;
    const job = defineJob({
      id: "test.transient",
      title: "transient",
      payload: z.object({}),
      options: { retries: 3 },
      handler: async () => {
        calls++;
        throw new Error("MANGO API недоступен (503)");
      },
    });
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      {},
      { tenantId, idempotencyKey: "t1" },
    );
    const worker = createLocalWorker({ db: t.db, definitions: [job], now: clock.now, random: () => 0.5 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await worker.tick();
      const entry = await activityOf(runId);
      expect(entry.status).toBe("retrying");
      expect(entry.attempts).toBe(i + 1);
      expect(entry.nextRetryAt).not.toBeNull();
      delays.push(entry.nextRetryAt!.getTime() - clock.now().getTime());
      // Not due yet: a tick before the retry time does nothing.
      expect(await worker.tick()).toBe(0);
      clock.set(entry.nextRetryAt!);
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    await worker.tick();
    const final = await activityOf(runId);
    expect(final).toMatchObject({
      status: "failed",
      attempts: 4,
      reason: "MANGO API недоступен (503)",
      nextRetryAt: null,
    });
    expect(calls).toBe(4);
    expect((await runOf(runId)).status).toBe("failed");
  });

  it("fails a non-retriable error at once", async () => {
    let calls = 0;
    const job = defineJob({
      id: "test.fatal",
      title: "fatal",
      payload: z.object({}),
      handler: async () => {
        calls++;
        throw new NonRetriableError("неверный ключ API");
      },
    });
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      {},
      { tenantId, idempotencyKey: "f1" },
    );
    const worker = createLocalWorker({ db: t.db, definitions: [job], now: clock.now });
    await worker.tick();
    clock.advance(24 * 3600_000);
    await worker.tick();
    expect(calls).toBe(1);
    expect(await activityOf(runId)).toMatchObject({
      status: "failed",
      attempts: 1,
      reason: "неверный ключ API",
    });
  });

  it("runs again a run whose lease expired (its worker crashed)", async () => {
    let calls = 0;
    const job = defineJob({
      id: "test.crash",
      title: "crash",
      payload: z.object({}),
      handler: async () => {
        calls++;
        return { status: "done", result: { ok: true } };
      },
    });
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      {},
      { tenantId, idempotencyKey: "c1" },
    );
    // Worker A claims the run and dies without running it.
    const claimed = await claimDueRuns(t.db, {
      workerId: "dead",
      now: clock.now(),
      leaseMs: 60_000,
      limit: 10,
      definitions: new Map([[job.id, job]]),
    });
    expect(claimed.map((c) => c.id)).toContain(runId);
    const worker = createLocalWorker({ db: t.db, definitions: [job], now: clock.now, leaseMs: 60_000 });
    expect(await worker.tick()).toBe(0); // the lease still holds
    clock.advance(61_000);
    expect(await worker.tick()).toBe(1);
    expect(calls).toBe(1);
    expect(await runOf(runId)).toMatchObject({ status: "done", attempts: 2, result: { ok: true } });
  });

  it("two pollers running together execute each cron slot exactly once", async () => {
    const slots: string[] = [];
    const job = defineJob({
      id: "test.cron",
      title: "cron",
      payload: z.object({}),
      options: { cron: "*/5 * * * *" },
      handler: async (_p, ctx) => {
        slots.push(ctx.runId);
        return { status: "done" };
      },
    });
    const clock = fakeClock(new Date("2026-11-25T10:01:00Z"));
    const a = createLocalWorker({ db: t.db, definitions: [job], now: clock.now, workerId: "a" });
    const b = createLocalWorker({ db: t.db, definitions: [job], now: clock.now, workerId: "b" });
    for (let i = 0; i < 3; i++) {
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      clock.advance(60_000);
    }
    expect(slots).toHaveLength(1); // 10:00 slot, while the clock went 10:01 → 10:03
    clock.set(new Date("2026-11-25T10:05:30Z"));
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(slots).toHaveLength(2);
    const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, "test.cron"));
    expect(runs.map((r) => r.idempotencyKey).sort()).toEqual([
      "cron:2026-11-25T10:00:00.000Z",
      "cron:2026-11-25T10:05:00.000Z",
    ]);
  });

  it("keeps a tenant's concurrency and rate limits across pollers", async () => {
    const concurrent = defineJob({
      id: "test.concurrency",
      title: "c",
      payload: z.object({ n: z.number() }),
      options: { concurrency: { limit: 1 } },
      handler: async () => undefined,
    });
    const clock = fakeClock();
    const queue = createLocalQueue(t.db, clock.now);
    for (const n of [1, 2, 3]) await queue.enqueue(concurrent, { n }, { tenantId, idempotencyKey: `c${n}` });
    const defs = new Map([[concurrent.id, concurrent]]);
    const claim = (workerId: string) =>
      claimDueRuns(t.db, { workerId, now: clock.now(), leaseMs: 60_000, limit: 10, definitions: defs });
    const [a, b] = await Promise.all([claim("a"), claim("b")]);
    expect([...a, ...b].map((r) => r.jobId)).toEqual(["test.concurrency"]); // one slot for this tenant, whichever poller won it

    const rated = defineJob({
      id: "test.rate",
      title: "r",
      payload: z.object({ n: z.number() }),
      options: { rate: { limit: 2, periodSeconds: 60 } },
      handler: async () => undefined,
    });
    for (const n of [1, 2, 3]) await queue.enqueue(rated, { n }, { tenantId, idempotencyKey: `r${n}` });
    const worker = createLocalWorker({ db: t.db, definitions: [rated], now: clock.now });
    expect(await worker.tick()).toBe(2);
    expect(await worker.tick()).toBe(0);
    clock.advance(61_000);
    expect(await worker.tick()).toBe(1);
  });

  it("leaves a paused tenant's runs waiting, and runs them once it is active again", async () => {
    const paused = await createTenant(t.db, {
      amocrmAccountId: 2,
      amocrmSubdomain: "p",
      amocrmBaseUrl: "http://p",
      name: "P",
    });
    let calls = 0;
    const job = defineJob({
      id: "test.paused",
      title: "p",
      payload: z.object({}),
      handler: async () => void calls++,
    });
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      {},
      { tenantId: paused.id, idempotencyKey: "p1" },
    );
    await t.db.update(tenants).set({ status: "needs_reconnect" }).where(eq(tenants.id, paused.id));
    const worker = createLocalWorker({ db: t.db, definitions: [job], now: clock.now });
    clock.advance(3600_000);
    expect(await worker.tick()).toBe(0);
    expect((await runOf(runId)).status).toBe("queued");
    await t.db.update(tenants).set({ status: "active" }).where(eq(tenants.id, paused.id));
    expect(await worker.tick()).toBe(1);
    expect(calls).toBe(1);
  });
  it("keeps claiming while a long run is in flight: a quick run queued behind it is not held back", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const finished: string[] = [];
    const slow = defineJob({
      id: "test.slow",
      title: "slow",
      payload: z.object({}),
      handler: async () => {
        await released;
        finished.push("slow");
        return { status: "done" };
      },
    });
    const quick = defineJob({
      id: "test.quick",
      title: "quick",
      payload: z.object({}),
      handler: async () => {
        finished.push("quick");
        return { status: "done" };
      },
    });
    const queue = createLocalQueue(t.db);
    const worker = createLocalWorker({ db: t.db, definitions: [slow, quick], batchSize: 4 });
    const s = await queue.enqueue(slow, {}, { tenantId, idempotencyKey: "slow-1" });
    worker.start(10);
    await expect.poll(async () => (await runOf(s.runId)).status, { timeout: 5000 }).toBe("running");
    expect(worker.inFlight()).toBe(1);
    const q = await queue.enqueue(quick, {}, { tenantId, idempotencyKey: "quick-1" });
    await expect.poll(async () => (await runOf(q.runId)).status, { timeout: 5000 }).toBe("done");
    expect(finished).toEqual(["quick"]);
    expect((await runOf(s.runId)).status).toBe("running");
    release();
    await worker.stop();
    expect(finished).toEqual(["quick", "slow"]);
    expect((await runOf(s.runId)).status).toBe("done");
  });
});
