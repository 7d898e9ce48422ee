import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { jobRuns } from "@/db/schema";
import { defineJob } from "@/server/jobs/define";
import type { TestDb } from "@/test/db";
import { oneTenantDb } from "@/test/job-driver-world";
import { createLocalQueue } from "./queue";
import { createLocalWorker } from "./worker";

let t: TestDb;
let tenantId: string;
beforeAll(async () => {
  ({ t, tenantId } = await oneTenantDb(1));
});
afterAll(() => t.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("runs did not finish");
    await sleep(25);
  }
}

describe("ordered keys on the local driver (JobDefinition.orderKey)", () => {
  it("runs each key's runs one at a time in enqueue order, keys in parallel, each run once, across two workers", async () => {
    const started: Array<{ key: string; n: number }> = [];
    const active = new Map<string, number>();
    let maxSameKey = 0;
    let maxParallel = 0;
    let running = 0;
    let failedOnce = false;
    const job = defineJob({
      id: "test.ordered",
      title: "ordered",
      payload: z.object({ key: z.string(), n: z.number() }),
      orderKey: (p) => p.key,
      options: { concurrency: { limit: 1 } },
      handler: async (p) => {
        started.push(p);
        active.set(p.key, (active.get(p.key) ?? 0) + 1);
        maxSameKey = Math.max(maxSameKey, active.get(p.key)!);
        running++;
        maxParallel = Math.max(maxParallel, running);
        try {
          await sleep(5 + ((p.n * 7) % 11));
          // One failed attempt in the middle of key k1: k1's later runs must wait for its retry.
          if (p.key === "k1" && p.n === 3 && !failedOnce) {
            failedOnce = true;
            throw new Error("transient");
          }
        } finally {
          active.set(p.key, active.get(p.key)! - 1);
          running--;
        }
        return { status: "done" };
      },
    });
    const queue = createLocalQueue(t.db);
    const keys = ["k0", "k1", "k2", "k3", "k4"];
    const perKey = 12;
    for (let n = 0; n < perKey; n++)
      for (const key of keys)
        await queue.enqueue(job, { key, n }, { tenantId, idempotencyKey: `${key}:${n}` });
    // Enqueuing again changes nothing (the idempotency key).
    await queue.enqueue(job, { key: "k0", n: 0 }, { tenantId, idempotencyKey: "k0:0" });

    const workers = [0, 1].map(() =>
      createLocalWorker({ db: t.db, definitions: [job], batchSize: 4, random: () => 0 }),
    );
    for (const w of workers) w.start(1000);
    await until(async () => {
      const open = await t.db
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(and(eq(jobRuns.jobId, job.id), eq(jobRuns.status, "queued")));
      const running = await t.db
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(and(eq(jobRuns.jobId, job.id), eq(jobRuns.status, "running")));
      return open.length + running.length === 0;
    });
    await Promise.all(workers.map((w) => w.stop()));

    const runs = await t.db
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.jobId, job.id))
      .orderBy(asc(jobRuns.createdAt));
    expect(runs).toHaveLength(keys.length * perKey);
    expect(runs.every((r) => r.status === "done")).toBe(true);
    expect(failedOnce).toBe(true);
    for (const key of keys) {
      const order = started.filter((s) => s.key === key).map((s) => s.n);
      // k1's third run started twice (its failed attempt, then the retry); nothing of k1 ran in between.
      const expected = Array.from({ length: perKey }, (_, n) => n).flatMap((n) =>
        key === "k1" && n === 3 ? [3, 3] : [n],
      );
      expect(order, key).toEqual(expected);
    }
    expect(maxSameKey).toBe(1);
    expect(maxParallel).toBeGreaterThan(1);
  });

  it("keeps the definition's own concurrency for runs without an order key", async () => {
    let running = 0;
    let maxParallel = 0;
    const job = defineJob({
      id: "test.unkeyed",
      title: "unkeyed",
      payload: z.object({ n: z.number(), key: z.string().optional() }),
      orderKey: (p) => p.key,
      options: { concurrency: { limit: 2 } },
      handler: async () => {
        running++;
        maxParallel = Math.max(maxParallel, running);
        await sleep(20);
        running--;
        return { status: "done" };
      },
    });
    const queue = createLocalQueue(t.db);
    for (let n = 0; n < 12; n++) await queue.enqueue(job, { n }, { tenantId, idempotencyKey: `u${n}` });
    const worker = createLocalWorker({ db: t.db, definitions: [job], batchSize: 8 });
    worker.start(50);
    await until(async () => {
      const rows = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, job.id));
      return rows.every((r) => r.status === "done");
    });
    await worker.stop();
    expect(maxParallel).toBeLessThanOrEqual(2);
    const [row] = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, job.id)).limit(1);
    expect(row!.concurrencyKey).toBe(`test.unkeyed:${tenantId}`);
  });
});
