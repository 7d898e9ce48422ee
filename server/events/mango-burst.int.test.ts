import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { burst, postAll } from "@/bench/drain";
import { calls, jobRuns, webhookInbox } from "@/db/schema";
import { createLocalWorker } from "@/inngest/local/worker";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { processMangoEvent } from "./mango-jobs";

let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(() => w.close());

describe("a burst of MANGO call events through the intake and two local workers", () => {
  it("stores each event once, runs each once, one call's events one at a time in the order accepted", async () => {
    const events = burst(400, 20);
    const base = `${w.bridgeUrl}/api/mango/${w.tenant.webhookKey}`;
    const workers = [0, 1].map(() => createLocalWorker({ db: w.t.db, definitions: [processMangoEvent] }));
    for (const x of workers) x.start(200);
    // Every event delivered, a tenth of them twice (MANGO repeats deliveries).
    expect(await postAll(base, [...events, ...events.filter((_, i) => i % 10 === 0)])).toBe(0);
    const open = async () =>
      (
        await w.t.db
          .select({ n: count() })
          .from(jobRuns)
          .where(and(eq(jobRuns.jobId, processMangoEvent.id), eq(jobRuns.status, "queued")))
      )[0]!.n +
      (
        await w.t.db
          .select({ n: count() })
          .from(jobRuns)
          .where(and(eq(jobRuns.jobId, processMangoEvent.id), eq(jobRuns.status, "running")))
      )[0]!.n;
    const deadline = performance.now() + 120_000;
    while ((await open()) > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(workers.map((x) => x.stop()));

    const inbox = await w.t.db
      .select({ n: count() })
      .from(webhookInbox)
      .where(eq(webhookInbox.provider, "mango"));
    expect(inbox[0]!.n).toBe(400);
    const runs = await w.t.db
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.jobId, processMangoEvent.id))
      .orderBy(asc(jobRuns.createdAt), asc(jobRuns.id));
    expect(runs).toHaveLength(400);
    expect(runs.filter((r) => r.status !== "done")).toEqual([]);
    expect(runs.every((r) => r.attempts === 1)).toBe(true);
    // One ordered key per call; within it, each run started after the one accepted before it.
    const byCall = new Map<string, typeof runs>();
    for (const r of runs) byCall.set(r.concurrencyKey!, [...(byCall.get(r.concurrencyKey!) ?? []), r]);
    expect(byCall.size).toBe(100);
    for (const [key, list] of byCall) {
      expect(key.startsWith("order:mango.event:")).toBe(true);
      expect(list).toHaveLength(4);
      for (let i = 1; i < list.length; i++)
        expect(list[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(list[i - 1]!.finishedAt!.getTime());
    }
    const finished = await w.t.db
      .select({ n: count() })
      .from(calls)
      .where(and(eq(calls.tenantId, w.tenant.id), eq(calls.stage, "finished")));
    expect(finished[0]!.n).toBe(100);
  });
});
