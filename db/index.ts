import path from "node:path";
import { env } from "@/server/config/env";
import { type Db, type DbHandle, migrateDb, openDb, registerProcessPool } from "./client";

export type { Db } from "./client";

// One handle per process; kept on globalThis so Next.js dev reloads don't open PGlite twice.
const globalForDb = globalThis as unknown as {
  amangoDb?: Promise<DbHandle>;
  amangoJobsDb?: Promise<DbHandle>;
};

/**
 * The process's database for the web side (routes, webhook intake, the portal, the widget), migrated on first
 * use. On PostgreSQL its pool (`DB_POOL_WEB`) is its own: job handlers use `getJobsDb()`'s, so a burst of
 * long jobs can hold every connection of theirs and webhooks and the portal still get one. PGlite (no
 * DATABASE_URL) is one connection for everything. `close()` closes the jobs pool and the side pool too.
 */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.amangoDb ??= (async () => {
    const e = env();
    const handle = await openDb({
      databaseUrl: e.DATABASE_URL,
      dataDir: path.resolve(e.DATA_DIR, "pglite"),
      max: e.DB_POOL_WEB,
    });
    await migrateDb(handle);
    const closeSidePool = await registerProcessPool(e.DATABASE_URL);
    return {
      ...handle,
      async close() {
        const jobs = globalForDb.amangoJobsDb;
        globalForDb.amangoJobsDb = undefined;
        const jobsHandle = jobs ? await jobs.catch(() => null) : null;
        if (jobsHandle && jobsHandle.db !== handle.db) await jobsHandle.close();
        await closeSidePool();
        await handle.close();
      },
    };
  })();
  return globalForDb.amangoDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/**
 * The database the job handlers run on (both drivers): on PostgreSQL a pool of its own, `DB_POOL_JOBS`
 * connections (default JOBS_CONCURRENCY + 2: the runs in flight, the claim and the heartbeat); on PGlite the
 * one handle.
 */
export async function getJobsDb(): Promise<Db> {
  globalForDb.amangoJobsDb ??= (async () => {
    const web = await getDbHandle();
    const e = env();
    if (web.kind !== "postgres" || !e.DATABASE_URL) return { ...web, close: async () => {} };
    return openDb({ databaseUrl: e.DATABASE_URL, max: e.DB_POOL_JOBS });
  })();
  return (await globalForDb.amangoJobsDb).db;
}
