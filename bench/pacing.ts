import { performance } from "node:perf_hooks";
import { asc, eq } from "drizzle-orm";
import { type Db, openDb } from "@/db/client";
import { callbackQueue, integrationSettings, rules } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { createLocalWorker } from "@/inngest/local/worker";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { dispatchDue } from "@/server/callbacks/dispatch";
import { dispatchJobWith, wakeDispatcher } from "@/server/callbacks/dispatch-job";
import type { MangoForTenant } from "@/server/callbacks/dispatch-send";
import { queueCallbackItem } from "@/server/callbacks/queue";
import { createTenant } from "@/server/tenancy/queries";
import type { TestDb } from "@/test/db";

export type PacingRun = {
  dispatchers: number;
  dialed: number;
  /** Commands sent (more than `dialed` would be an item dialed twice). */
  commands: number;
  /** Dial times against the ideal schedule (first dial + n × 60 / rate s), ms. */
  maxDeviationMs: number;
  meanDeviationMs: number;
  /** The most dials in any 60 s window (the rate allows `rate`). */
  maxPerMinute: number;
  /** Wall-clock cost of one dispatchDue on the database, ms. */
  decisionP50Ms: number;
  decisionP99Ms: number;
  decisions: number;
};

export type PacingFigures = {
  items: number;
  ratePerMinute: number;
  stepMs: number;
  database: string;
  two: PacingRun;
  one: PacingRun;
};

const T0 = Date.parse("2026-12-01T07:00:00.000Z");

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** A tenant at `ratePerMinute` with `items` queued, each for another employee and client. */
async function seedQueue(main: Db, items: number, ratePerMinute: number, n: number): Promise<string> {
  const tenant = await createTenant(main, {
    amocrmAccountId: 900_000 + n,
    amocrmSubdomain: `pacing${n}`,
    amocrmBaseUrl: "http://amo.invalid",
    name: "Бенчмарк автоперезвона",
  });
  const tenantId = tenant.id;
  const settings = settingsDocumentSchema.parse({ calls: { autoCallback: { ratePerMinute } } });
  await main.insert(integrationSettings).values({ tenantId, settings });
  const [rule] = await main
    .insert(rules)
    .values({ tenantId, pipelineId: 1, statusId: 2, document: {}, authorAmoUserId: 1 })
    .returning({ id: rules.id });
  for (let i = 0; i < items; i++)
    await queueCallbackItem(main, {
      tenantId,
      ruleId: rule!.id,
      ruleName: "Бенчмарк",
      leadId: 1_000 + i,
      leadName: null,
      contactId: null,
      idempotencyKey: `bench:${i}`,
      target: { type: "employee", amoUserId: 1, extension: String(1_000 + i), name: null },
      phone: `+7916${String(1_000_000 + i).slice(-7)}`,
      lineNumber: null,
      taskOnFailure: false,
      stageOnSuccess: null,
      stageOnFailure: null,
    });
  return tenantId;
}

/**
 * `items` auto-callbacks at `ratePerMinute` drained by the real `dispatchDue` on the bench's database, on
 * a virtual clock stepped every `stepMs` (so the figure is the dispatcher's, not a timer's): each instant,
 * `dispatchers` pools decide at once, as instances racing on one PostgreSQL would. MANGO is a stub that
 * counts commands (what MANGO answers is not the subject here).
 */
async function drain(dbs: Db[], items: number, ratePerMinute: number, stepMs: number, n: number) {
  const main = dbs[0]!;
  const tenantId = await seedQueue(main, items, ratePerMinute, n);
  let commands = 0;
  const mango: MangoForTenant = async () => ({
    async callback() {
      commands++;
    },
    async callbackGroup() {
      commands++;
    },
  });
  const dials: number[] = [];
  const costs: number[] = [];
  const spacing = 60_000 / ratePerMinute;
  const end = T0 + (items + 1) * spacing;
  for (let t = T0; t < end && dials.length < items; t += stepMs) {
    const now = new Date(t);
    await Promise.all(
      dbs.map(async (db) => {
        for (;;) {
          const t0 = performance.now();
          const r = await dispatchDue(db, { tenantId, now, mango });
          costs.push(performance.now() - t0);
          if (r.dialed) dials.push(t);
          if (!r.dialed && r.settled.length === 0) return;
        }
      }),
    );
  }
  dials.sort((a, b) => a - b);
  const deviations = dials.map((d, i) => Math.abs(d - (dials[0]! + i * spacing)));
  const maxPerMinute = Math.max(0, ...dials.map((d) => dials.filter((x) => x >= d && x < d + 60_000).length));
  return {
    dispatchers: dbs.length,
    dialed: dials.length,
    commands,
    maxDeviationMs: Math.max(0, ...deviations),
    meanDeviationMs: deviations.reduce((a, b) => a + b, 0) / Math.max(1, deviations.length),
    maxPerMinute,
    decisionP50Ms: quantile(costs, 0.5),
    decisionP99Ms: quantile(costs, 0.99),
    decisions: costs.length,
  } satisfies PacingRun;
}

/** Two dispatchers on two pools of one database against one dispatcher (the baseline), in the same run. */
export async function benchPacing(
  db: TestDb,
  {
    items = 30,
    ratePerMinute = 30,
    stepMs = 50,
  }: { items?: number; ratePerMinute?: number; stepMs?: number } = {},
): Promise<PacingFigures> {
  // PGlite is one connection in one process: the "second instance" then shares it.
  const second = db.url ? await openDb({ databaseUrl: db.url, max: 4 }) : null;
  try {
    const one = await drain([db.db], items, ratePerMinute, stepMs, 1);
    const two = await drain([db.db, second?.db ?? db.db], items, ratePerMinute, stepMs, 2);
    return {
      items,
      ratePerMinute,
      stepMs,
      database: second ? "two pools on one PostgreSQL" : "one PGlite shared by both",
      two,
      one,
    };
  } finally {
    await second?.close();
    await db.drop();
  }
}

export type PacingLiveFigures = {
  items: number;
  ratePerMinute: number;
  pollMs: number;
  dialed: number;
  commands: number;
  maxDeviationMs: number;
  meanDeviationMs: number;
  minGapMs: number;
  maxGapMs: number;
};

/**
 * The same in real time through the job: `callbacks.dispatch` on two local job drivers (two pools of one
 * database, each polling every JOBS_POLL_MS as the app does), woken once; dial times against the ideal
 * schedule from the first dial. Includes the drivers' polling, the tick's early arming and its wait.
 */
export async function benchPacingLive(
  db: TestDb,
  { items = 10, ratePerMinute = 30 }: { items?: number; ratePerMinute?: number } = {},
): Promise<PacingLiveFigures> {
  const pollMs = Number(process.env.JOBS_POLL_MS ?? 1000);
  const second = db.url ? await openDb({ databaseUrl: db.url, max: 4 }) : null;
  let commands = 0;
  const mango: MangoForTenant = async () => ({
    async callback() {
      commands++;
    },
    async callbackGroup() {
      commands++;
    },
  });
  const job = dispatchJobWith({ mango });
  const workers = [db.db, second?.db ?? db.db].map((d) => createLocalWorker({ db: d, definitions: [job] }));
  try {
    const tenantId = await seedQueue(db.db, items, ratePerMinute, 3);
    for (const w of workers) w.start(pollMs);
    await wakeDispatcher(db.db, createLocalQueue(db.db), { tenantId });
    const spacing = 60_000 / ratePerMinute;
    const deadline = Date.now() + items * spacing + 15_000;
    let dials: number[] = [];
    while (Date.now() < deadline) {
      const rows = await db.db
        .select({ at: callbackQueue.dispatchedAt })
        .from(callbackQueue)
        .where(eq(callbackQueue.tenantId, tenantId))
        .orderBy(asc(callbackQueue.dispatchedAt));
      dials = rows.flatMap((r) => (r.at ? [r.at.getTime()] : []));
      if (dials.length === items) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const deviations = dials.map((d, i) => Math.abs(d - (dials[0]! + i * spacing)));
    const gaps = dials.slice(1).map((d, i) => d - dials[i]!);
    return {
      items,
      ratePerMinute,
      pollMs,
      dialed: dials.length,
      commands,
      maxDeviationMs: Math.max(0, ...deviations),
      meanDeviationMs: deviations.reduce((a, b) => a + b, 0) / Math.max(1, deviations.length),
      minGapMs: Math.min(...gaps),
      maxGapMs: Math.max(...gaps),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await second?.close();
    await db.drop();
  }
}
