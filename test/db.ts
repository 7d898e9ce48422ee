import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DbHandle, migrateDb, openDb } from "@/db/client";

/** The machine's PostgreSQL (trust auth on 127.0.0.1); override with TEST_PG_URL. */
export const ADMIN_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type TestDb = DbHandle & { url: string; name: string; drop(): Promise<void> };

/** A fresh, migrated database for one test file; `drop()` removes it. */
export async function createTestDb(): Promise<TestDb> {
  const name = `amango_test_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const handle = await openDb({ databaseUrl: url, max: 8 });
  await migrateDb(handle);
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * Runs every due job of `definitions` to the end with a local worker on a fake clock that jumps over
 * concurrency, rate-limit and retry waits, so tests never sleep.
 */
export async function drainJobs(
  db: DbHandle["db"],
  definitions: Parameters<typeof import("@/inngest/local/worker").createLocalWorker>[0]["definitions"],
  maxRounds = 200,
): Promise<void> {
  const { createLocalWorker } = await import("@/inngest/local/worker");
  const { jobRuns } = await import("@/db/schema");
  const { and, eq, inArray } = await import("drizzle-orm");
  let clock = Date.now();
  const worker = createLocalWorker({ db, definitions, now: () => new Date(clock) });
  const ids = definitions.map((d) => d.id);
  for (let round = 0; round < maxRounds; round++) {
    if ((await worker.tick()) > 0) continue;
    const waiting = await db
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(inArray(jobRuns.jobId, ids), eq(jobRuns.status, "queued")))
      .limit(1);
    if (waiting.length === 0) return;
    clock += 60_000;
  }
  throw new Error("jobs did not drain");
}
