import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDb, openDb, registerProcessPool } from "@/db/client";
import type { TestDb } from "@/test/db";

/**
 * The bench's database, like the app's defaults: without DATABASE_URL an embedded PGlite in memory; with it,
 * a scratch database created on that server (dropped at the end), so the bench never writes into the app's.
 */
export async function openBenchDb(): Promise<TestDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDb({});
    await migrateDb(handle);
    return { ...handle, url: "", name: "pglite", drop: () => handle.close() };
  }
  const name = `amango_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(q);
    await c.end();
  };
  await admin(`create database ${name}`);
  const url = serverUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const handle = await openDb({ databaseUrl: url, max: 10 });
  await migrateDb(handle);
  const closeSide = await registerProcessPool(url);
  return {
    ...handle,
    url,
    name,
    async drop() {
      await closeSide();
      await handle.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Which database the figures were taken on, for the table. */
export const dbLabel = () => (process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "PGlite (embedded)");
