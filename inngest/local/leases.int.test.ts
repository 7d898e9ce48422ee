import { spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, jobRuns } from "@/db/schema";
import { defineJob } from "@/server/jobs/define";
import type { TestDb } from "@/test/db";
import { fakeClock, oneTenantDb } from "@/test/job-driver-world";
import { createLocalQueue } from "./queue";
import { createLocalWorker } from "./worker";

// Issue 16, "a crashed run does not stall a tenant": short leases renewed by a heartbeat while a run works.

/** The job test-support/dying-worker.ts runs (and never finishes). */
const SIGKILL_JOB = "test.sigkill";

let t: TestDb;
let tenantId: string;
beforeAll(async () => {
  ({ t, tenantId } = await oneTenantDb(1));
});
afterAll(() => t.drop());

const runOf = async (runId: string) => (await t.db.select().from(jobRuns).where(eq(jobRuns.id, runId)))[0]!;
const journalOf = async (runId: string) =>
  (await t.db.select().from(activityLog).where(eq(activityLog.sourceId, runId)))[0]!;

/** A handler whose first attempt hangs until released: the run of a worker that stops answering. */
function hangingFirstAttempt(id: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const attempts: { n: number; attempt: number }[] = [];
  const job = defineJob({
    id,
    title: id,
    payload: z.object({ n: z.number() }),
    // One at a time per tenant, like calls.log: a stuck run would hold the tenant's only slot.
    options: { concurrency: { limit: 1 }, retries: 3 },
    handler: async (p, ctx) => {
      attempts.push({ n: p.n, attempt: ctx.attempt });
      if (ctx.attempt === 1 && p.n === 1) await released;
      return { status: "done", result: { n: p.n, attempt: ctx.attempt } };
    },
  });
  return { job, attempts, release: () => release() };
}

describe("local driver leases", () => {
  it("a dead worker's run is claimed again within seconds and the tenant's next run is not blocked; its late result is refused", async () => {
    const { job, attempts, release } = hangingFirstAttempt("test.lease-dead");
    const clock = fakeClock();
    const queue = createLocalQueue(t.db, clock.now);
    const first = await queue.enqueue(job, { n: 1 }, { tenantId, idempotencyKey: "d1" });
    const second = await queue.enqueue(job, { n: 2 }, { tenantId, idempotencyKey: "d2" });
    // Worker "dead" takes run 1, then stops giving signs of life: its heartbeat never fires (a frozen or
    // killed process), its handler never returns on its own.
    const dead = createLocalWorker({
      db: t.db,
      definitions: [job],
      now: clock.now,
      workerId: "dead",
      leaseMs: 20_000,
      heartbeatMs: 3600_000,
    });
    const deadTick = dead.tick();
    await expect.poll(() => attempts.length, { timeout: 10_000 }).toBe(1);
    expect(attempts).toEqual([{ n: 1, attempt: 1 }]);
    expect((await runOf(first.runId)).lockedBy).toBe("dead");

    const alive = createLocalWorker({
      db: t.db,
      definitions: [job],
      now: clock.now,
      workerId: "alive",
      leaseMs: 20_000,
    });
    // While the lease holds, run 1 is the dead worker's and run 2 waits for the tenant's only slot.
    clock.advance(10_000);
    expect(await alive.tick()).toBe(0);
    expect((await runOf(second.runId)).status).toBe("queued");

    // 21 s after the claim the lease has lapsed: the run is free again and no longer counts against the tenant.
    clock.advance(11_000);
    expect(await alive.tick()).toBe(1);
    clock.advance(1_000);
    expect(await alive.tick()).toBe(1);
    expect(await runOf(first.runId)).toMatchObject({
      status: "done",
      attempts: 2,
      lockedBy: null,
      result: { n: 1, attempt: 2 },
    });
    expect(await runOf(second.runId)).toMatchObject({ status: "done", result: { n: 2, attempt: 1 } });

    // The dead worker wakes up and finishes attempt 1: the row and the journal stay the new owner's.
    release();
    await deadTick;
    expect(await runOf(first.runId)).toMatchObject({
      status: "done",
      attempts: 2,
      result: { n: 1, attempt: 2 },
    });
    expect(await journalOf(first.runId)).toMatchObject({ status: "done", attempts: 2 });
    expect(attempts.map((a) => `${a.n}#${a.attempt}`).sort()).toEqual(["1#1", "1#2", "2#1"]);
  });

  it("a stale owner cannot record over a run another worker holds now", async () => {
    const { job, release } = hangingFirstAttempt("test.lease-stale");
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      { n: 1 },
      { tenantId, idempotencyKey: "s1" },
    );
    const stale = createLocalWorker({
      db: t.db,
      definitions: [job],
      now: clock.now,
      workerId: "stale",
      heartbeatMs: 3600_000,
    });
    const staleTick = stale.tick();
    await expect.poll(async () => (await runOf(runId)).lockedBy, { timeout: 10_000 }).toBe("stale");
    // The lease lapses and another worker claims the run; its attempt is still in flight.
    clock.advance(31_000);
    const { claimDueRuns } = await import("./claim");
    const taken = await claimDueRuns(t.db, {
      workerId: "owner",
      now: clock.now(),
      leaseMs: 30_000,
      limit: 10,
      definitions: new Map([[job.id, job]]),
    });
    expect(taken.map((r) => r.id)).toEqual([runId]);
    // A heartbeat of the stale worker cannot take the lease back.
    const ownersLease = (await runOf(runId)).lockedUntil!.getTime();
    clock.advance(5_000);
    await stale.renewLeases();
    expect(await runOf(runId)).toMatchObject({ lockedBy: "owner", attempts: 2 });
    expect((await runOf(runId)).lockedUntil!.getTime()).toBe(ownersLease);
    release();
    await staleTick;
    // The stale attempt's "done" was refused: the run is still running under its new owner.
    expect(await runOf(runId)).toMatchObject({
      status: "running",
      lockedBy: "owner",
      attempts: 2,
      result: null,
    });
    expect(await journalOf(runId)).toMatchObject({ status: "running", attempts: 1 });
  });

  it("a healthy long run keeps its lease past the lease length by renewing it", async () => {
    const { job, release } = hangingFirstAttempt("test.lease-long");
    const clock = fakeClock();
    const { runId } = await createLocalQueue(t.db, clock.now).enqueue(
      job,
      { n: 1 },
      { tenantId, idempotencyKey: "l1" },
    );
    const worker = createLocalWorker({
      db: t.db,
      definitions: [job],
      now: clock.now,
      workerId: "busy",
      heartbeatMs: 3600_000,
    });
    const other = createLocalWorker({ db: t.db, definitions: [job], now: clock.now, workerId: "other" });
    const busy = worker.tick();
    await expect.poll(async () => (await runOf(runId)).lockedBy, { timeout: 10_000 }).toBe("busy");
    // Two minutes of work, a heartbeat every 10 s: the other worker never gets the run.
    for (let s = 0; s < 120; s += 10) {
      clock.advance(10_000);
      await worker.renewLeases();
      expect(await other.tick()).toBe(0);
    }
    expect((await runOf(runId)).lockedUntil!.getTime()).toBe(clock.now().getTime() + 30_000);
    release();
    expect(await busy).toBe(1);
    expect(await runOf(runId)).toMatchObject({ status: "done", attempts: 1, result: { n: 1, attempt: 1 } });
  });

  it("the heartbeat timer renews the lease on its own while the handler works", async () => {
    const { job, release } = hangingFirstAttempt("test.lease-timer");
    const { runId } = await createLocalQueue(t.db).enqueue(job, { n: 1 }, { tenantId, idempotencyKey: "h1" });
    const worker = createLocalWorker({
      db: t.db,
      definitions: [job],
      workerId: "beating",
      leaseMs: 60_000,
      heartbeatMs: 50,
    });
    const running = worker.tick();
    await expect.poll(async () => (await runOf(runId)).lockedBy, { timeout: 10_000 }).toBe("beating");
    const claimedUntil = (await runOf(runId)).lockedUntil!.getTime();
    // No sleep and no timing assertion: wait until a heartbeat has moved the lease forward.
    await expect
      .poll(async () => (await runOf(runId)).lockedUntil!.getTime(), { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(claimedUntil);
    release();
    await running;
    expect(await runOf(runId)).toMatchObject({ status: "done", lockedBy: null, lockedUntil: null });
  });

  it("a worker process SIGKILLed mid-run: its run is done by another worker once the short lease lapses", async () => {
    const done: string[] = [];
    const job = defineJob({
      id: SIGKILL_JOB,
      title: "sigkill",
      payload: z.object({}),
      handler: async (_p, ctx) => {
        done.push(`attempt ${ctx.attempt}`);
        return { status: "done" };
      },
    });
    const { runId } = await createLocalQueue(t.db).enqueue(job, {}, { tenantId, idempotencyKey: "k1" });
    // A real process: it claims the run with a 1.5 s lease and keeps renewing it while its handler hangs.
    // In a process group of its own: the tsx CLI runs the script in a child process, and the group is killed.
    const script = "inngest/local/test-support/dying-worker.ts";
    const child = spawn("node_modules/.bin/tsx", [script, t.url, "1500"], {
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (b: Buffer) => b.toString().includes("running") && resolve());
        child.once("exit", () => reject(new Error("the worker process exited before running")));
      });
      // While it lives, its heartbeat keeps the lease: another worker finds nothing to claim past the lease.
      const other = createLocalWorker({ db: t.db, definitions: [job], workerId: "survivor", leaseMs: 1500 });
      const firstLease = (await runOf(runId)).lockedUntil!.getTime();
      await expect
        .poll(async () => (await runOf(runId)).lockedUntil!.getTime(), { timeout: 10_000, interval: 100 })
        .toBeGreaterThan(firstLease + 1500);
      expect(await other.tick()).toBe(0);
      expect(await runOf(runId)).toMatchObject({ status: "running", lockedBy: "doomed", attempts: 1 });
    } finally {
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    }
    // Dead: within seconds (one lease) the run is free again and another worker finishes it.
    const survivor = createLocalWorker({ db: t.db, definitions: [job], workerId: "survivor", leaseMs: 1500 });
    await expect
      .poll(
        async () => {
          await survivor.tick();
          return (await runOf(runId)).status;
        },
        {
          timeout: 10_000,
          interval: 100,
        },
      )
      .toBe("done");
    expect(done).toEqual(["attempt 2"]);
    expect(await runOf(runId)).toMatchObject({ attempts: 2, lockedBy: null });
  });
});
