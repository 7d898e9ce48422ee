import { sql } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLocalQueue } from "@/inngest/local/queue";
import { createLocalWorker } from "@/inngest/local/worker";
import { listJournal } from "@/server/activity/journal";
import { defineJob } from "@/server/jobs/define";
import { receiveDpWebhook } from "@/server/rules/dp-intake";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { openDb } from "./client";
import { type Db, getDb, getDbHandle, getJobsDb } from "./index";

// Issue 16: "size the pool so webhook intake and the portal never starve behind a burst of jobs". The job
// handlers hold every connection of the jobs pool (and more of them wait for one); a webhook and a portal
// query on the web pool are answered while every handler is still asleep in PostgreSQL.

let t: TestDb;
let tenant: Awaited<ReturnType<typeof createTenant>>;
beforeAll(async () => {
  t = await createTestDb();
  // db/index.ts reads these on first use.
  process.env.DATABASE_URL = t.url;
  process.env.DB_POOL_WEB = "3";
  process.env.DB_POOL_JOBS = "2";
  process.env.JOBS_CONCURRENCY = "4";
  tenant = await createTenant(t.db, {
    amocrmAccountId: 5151,
    amocrmSubdomain: "pools",
    amocrmBaseUrl: "http://pools",
    name: "Pools",
  });
});
afterAll(async () => {
  await (await getDbHandle()).close();
  await t.drop();
});

const poolOf = (db: Db) => (db as unknown as { $client: pg.Pool }).$client;
const SLEEP_S = 4;
let finished = 0;
const sleeper = defineJob({
  id: "test.pools.sleep",
  title: "holds a connection",
  payload: z.object({ n: z.number() }),
  handler: async (_p, { db }) => {
    await db.execute(sql`select pg_sleep(${SLEEP_S})`);
    finished++;
    return { status: "done" };
  },
});

const sleeping = async () => {
  const [row] = (
    (await t.db.execute(
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'active' and query like 'select pg_sleep%'`,
    )) as unknown as { rows: { n: number }[] }
  ).rows;
  return row!.n;
};

/**
 * Four sleeper runs on `jobs` (two asleep in PostgreSQL, the others waiting for a connection), then a DP
 * webhook and a journal query on `web`: how many handlers had finished when both were answered.
 */
async function webDuringBurst(web: Db, jobs: Db, burst: string) {
  finished = 0;
  const queue = createLocalQueue(web);
  for (let n = 0; n < 4; n++)
    await queue.enqueue(sleeper, { n }, { tenantId: tenant.id, idempotencyKey: `${burst}-${n}` });
  const worker = createLocalWorker({ db: jobs, definitions: [sleeper], batchSize: 4 });
  const draining = worker.tick();

  // Both connections of the jobs pool are asleep in PostgreSQL and the other handlers wait for one.
  await expect.poll(sleeping, { timeout: 20_000, interval: 50 }).toBe(2);
  expect(poolOf(jobs).waitingCount).toBeGreaterThan(0);

  const req = new Request(`http://l/api/amocrm/${tenant.webhookKey}/dp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: {
        type: 14,
        data: { id: 77, status_id: 33929758, pipeline_id: 3383152 },
        time: burst === "own" ? 1_764_000_100 : 1_764_000_200,
      },
      account_id: 5151,
    }),
  });
  const intake = await receiveDpWebhook(req, { webhookKey: tenant.webhookKey }, { db: web, queue });
  const journal = await listJournal(web, { tenantId: tenant.id, amocrmBaseUrl: "http://pools", limit: 50 });
  const answered = { finished, waiting: poolOf(jobs).waitingCount };
  expect(intake.status).toBe(200);
  expect(journal.items.length).toBeGreaterThan(0);
  expect(await draining).toBe(4);
  expect(finished).toBe(4);
  return answered;
}

describe("database pools", () => {
  it("answers a webhook and a portal query while job handlers hold every connection of the jobs pool", async () => {
    const web = await getDb();
    const jobs = await getJobsDb();
    expect(jobs).not.toBe(web);
    expect(poolOf(web).options.max).toBe(3);
    expect(poolOf(jobs).options.max).toBe(2);

    const own = await webDuringBurst(web, jobs, "own");
    // Answered while no handler had finished and the jobs pool still had waiters.
    expect(own.finished).toBe(0);
    expect(own.waiting).toBeGreaterThan(0);

    // The same burst on one pool shared by both sides (as before): the webhook waits behind the jobs.
    const shared = await openDb({ databaseUrl: t.url, max: 2 });
    try {
      const behind = await webDuringBurst(shared.db, shared.db, "shared");
      expect(behind.finished).toBeGreaterThan(0);
      // biome-ignore lint/suspicious/noConsole: the figures this test is for
      console.log(
        `pools: webhook + portal answered after ${own.finished} of 4 long job runs on their own pools, after ${behind.finished} of 4 on one shared pool`,
      );
    } finally {
      await shared.close();
    }
  }, 90_000);
});
