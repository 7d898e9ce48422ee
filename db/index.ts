import path from "node:path";
import { env } from "@/server/config/env";
import { type Db, type DbHandle, migrateDb, openDb, registerProcessPool } from "./client";

export type { Db } from "./client";

// One handle per process; kept on globalThis so Next.js dev reloads don't open PGlite twice.
const globalForDb = globalThis as unknown as { amangoDb?: Promise<DbHandle> };

/** The process's database, migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.amangoDb ??= (async () => {
    const e = env();
    const handle = await openDb({
      databaseUrl: e.DATABASE_URL,
      dataDir: path.resolve(e.DATA_DIR, "pglite"),
    });
    await migrateDb(handle);
    const closeSidePool = await registerProcessPool(e.DATABASE_URL);
    return {
      ...handle,
      async close() {
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
