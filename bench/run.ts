import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { migrateDb, openDb } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { createLocalWorker } from "@/inngest/local/worker";
import { defineJob } from "@/server/jobs/define";
import { createTenant } from "@/server/tenancy/queries";
import { receiveWebhook } from "@/server/webhooks/intake";

/**
 * `npm run bench`: costs of the foundation's hot paths as ratios to a baseline measured in the same run
 * on the same embedded database, so the numbers mean the same on any machine. Exits 1 over a target.
 */
const N = Number(process.env.BENCH_N ?? 300);
const handle = await openDb({});
await migrateDb(handle);
const { db } = handle;
const tenant = await createTenant(db, {
  amocrmAccountId: 1,
  amocrmSubdomain: "b",
  amocrmBaseUrl: "http://b",
  name: "B",
});

const job = defineJob({
  id: "bench.noop",
  title: "noop",
  payload: z.object({ inboxId: z.string() }),
  handler: async () => undefined,
});
const spec = {
  provider: "bench",
  kind: "event",
  verify: () => true,
  decode: (raw: string) => JSON.parse(raw),
  schema: z.object({ id: z.string() }),
  eventKey: (e: { id: string }) => e.id,
  job,
  toJobPayload: (_e: unknown, inboxId: string) => ({ inboxId }),
};

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// Baseline: one plain insert per event into the same table.
const baseline = await time(async () => {
  for (let i = 0; i < N; i++) {
    await db.insert(webhookInbox).values({
      tenantId: tenant.id,
      provider: "baseline",
      kind: "e",
      eventKey: randomUUID(),
      status: "accepted",
    });
  }
});
const queue = createLocalQueue(db);
const intake = await time(async () => {
  for (let i = 0; i < N; i++) {
    const req = new Request("http://b/", { method: "POST", body: JSON.stringify({ id: randomUUID() }) });
    await receiveWebhook(req, tenant, spec, { db, queue });
  }
});
const worker = createLocalWorker({ db, definitions: [job], batchSize: 50 });
const processing = await time(async () => {
  while ((await worker.tick()) > 0) {}
});
await handle.close();

const { benchCalls } = await import("./calls");
const callRows = await benchCalls();

const rows = [
  { name: "webhook intake (verify, inbox, enqueue, journal)", ratio: intake / baseline, target: 12 },
  { name: "local driver run (claim, run, record)", ratio: processing / baseline, target: 12 },
];
console.log(`baseline: ${N} plain inserts in ${baseline.toFixed(0)} ms`);
for (const r of rows) console.log(`${r.name}: ${r.ratio.toFixed(2)}× baseline (target ≤ ${r.target}×)`);
for (const r of callRows)
  console.log(`${r.name}: ${r.ratio.toFixed(2)}× (target ≤ ${r.target}×) — ${r.detail}`);
const over = [...rows, ...callRows].filter((r) => r.ratio > r.target);
process.exit(over.length ? 1 : 0);
