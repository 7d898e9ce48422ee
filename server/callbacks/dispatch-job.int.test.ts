import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns } from "@/db/schema";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { createLocalQueue } from "@/inngest/local/queue";
import { createLocalWorker } from "@/inngest/local/worker";
import { rereadEnvForTests } from "@/server/config/env";
import { connectMango } from "@/server/onboarding/mango-connect";
import { type PacingWorld, startPacingWorld } from "@/test/pacing-world";
import { callbackDispatchJob, wakeDispatcher } from "./dispatch-job";
import { callbackCommandId } from "./dispatch-send";

/**
 * The tick job on the real local job driver, in real time: woken once, it dials the queue at the tenant's
 * rate and re-arms itself per slot until the queue is empty. MANGO is the emulator, reached the way the app
 * reaches it (the tenant's sealed key, MANGO's shared rate budgets).
 */
let w: PacingWorld;
beforeAll(async () => {
  w = await startPacingWorld();
  process.env.MANGO_API_URL = `${w.mango.url}/vpbx`;
  rereadEnvForTests();
});
afterAll(() => w.close());

async function connected() {
  const c = await w.newTenant();
  const ok = await connectMango(
    w.t.db,
    { tenantId: c.tenantId, actorUserId: null, apiKey: DEMO_VPBX_API_KEY, salt: DEMO_VPBX_API_SALT },
    { baseUrl: `${w.mango.url}/vpbx` },
  );
  if (!ok.ok) throw new Error("MANGO did not connect");
  return c;
}

const dispatchRuns = (tenantId: string) =>
  w.t.db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, callbackDispatchJob.id)));

async function until(check: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not reached");
}

describe("callbacks.dispatch on the local job driver", () => {
  it("woken once, dials 3 items at 60/min one after another, in queue order, then stops re-arming", async () => {
    const c = await connected();
    await c.settings({ ratePerMinute: 60 });
    const ids = [await c.queue(), await c.queue(), await c.queue()];
    const queue = createLocalQueue(w.t.db);
    const worker = createLocalWorker({ db: w.t.db, definitions: [callbackDispatchJob] });
    worker.start(1000);
    try {
      await wakeDispatcher(w.t.db, queue, { tenantId: c.tenantId });
      await until(async () => (await c.items()).every((i) => i.state === "dialing"), 20_000);
      await until(
        async () =>
          (await dispatchRuns(c.tenantId)).every((r) => r.status !== "queued" && r.status !== "running"),
        10_000,
      );
    } finally {
      await worker.stop();
    }

    const items = await c.items();
    const order = [...items].sort((a, b) => a.dispatchedAt!.getTime() - b.dispatchedAt!.getTime());
    expect(order.map((i) => i.id)).toEqual(ids);
    // A slot is never used before it comes: the n-th dial is at least n spacings (1 s) after the first. (A
    // late tick does not push the schedule back, so two dials may be closer than a spacing, never ahead.)
    const first = order[0]!.dispatchedAt!.getTime();
    order.forEach((item, n) => {
      expect(item.dispatchedAt!.getTime() - first).toBeGreaterThanOrEqual(n * 1_000);
    });
    const sent = (await w.commands()).filter((x) => ids.some((id) => x.commandId.includes(id)));
    expect(sent.map((x) => x.commandId)).toEqual(ids.map((id) => callbackCommandId(id, 1)));
    // Every run ended well, and none is left waiting: the queue is empty, nothing re-armed.
    const runs = await dispatchRuns(c.tenantId);
    expect(runs.every((r) => r.status === "done")).toBe(true);
  });

  it("500 wake-ups in a row make one run (the next second's), not a burst", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    await c.queue();
    const queue = createLocalQueue(w.t.db);
    const now = new Date("2030-12-03T08:00:00.250Z");
    for (let i = 0; i < 500; i++) await wakeDispatcher(w.t.db, queue, { tenantId: c.tenantId, now });
    const runs = await dispatchRuns(c.tenantId);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.payload).toEqual({ at: "2030-12-03T08:00:01.000Z" });
  });

  it("a wake-up while the schedule waits for a slot is that slot's run: no run of its own", async () => {
    const c = await w.newTenant();
    await c.settings({ ratePerMinute: 3 });
    await c.queue();
    await c.queue();
    const queue = createLocalQueue(w.t.db);
    // A poller whose clock is 2 s ahead claims the wake-up's run (due at the next second) at once.
    const worker = createLocalWorker({
      db: w.t.db,
      definitions: [callbackDispatchJob],
      now: () => new Date(Date.now() + 2_000),
    });
    // The first item is taken (no MANGO here: it fails, the slot is used all the same); its run arms the
    // next slot, 20 s later.
    await wakeDispatcher(w.t.db, queue, { tenantId: c.tenantId });
    await worker.tick();
    expect((await dispatchRuns(c.tenantId)).filter((r) => r.status === "done")).toHaveLength(1);
    const armed = (await dispatchRuns(c.tenantId)).filter((r) => r.status === "queued");
    expect(armed).toHaveLength(1);
    for (let i = 0; i < 50; i++) await wakeDispatcher(w.t.db, queue, { tenantId: c.tenantId });
    const after = (await dispatchRuns(c.tenantId)).filter((r) => r.status === "queued");
    expect(after.map((r) => r.id)).toEqual(armed.map((r) => r.id));
    // The tenant without MANGO: its first item failed with the reason, the second waits for its slot.
    const [failed, waiting] = await c.items();
    expect(failed).toMatchObject({
      state: "failed",
      reason: "Звонок не отправлен: MANGO OFFICE не подключена",
    });
    expect(waiting!.state).toBe("queued");
  });
});
