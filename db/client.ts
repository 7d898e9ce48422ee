import path from "node:path";
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { hideQueryParameters } from "./query-errors";
import * as schema from "./schema";

/** The one database type the app codes against: node-postgres in production, PGlite embedded. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbHandle = { db: Db; kind: "postgres" | "pglite"; close(): Promise<void> };

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "db/migrations");

/** Opens PostgreSQL when a URL is given, else PGlite in `dataDir` (one process owns that directory). */
export async function openDb(opts: {
  databaseUrl?: string;
  dataDir?: string;
  max?: number;
}): Promise<DbHandle> {
  // A failed query's error never carries its parameters (./query-errors.ts).
  hideQueryParameters();
  if (opts.databaseUrl) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({ connectionString: opts.databaseUrl, max: opts.max ?? 10 });
    // An idle client dropped by the server (restart, failover) must not crash the process; the pool reconnects.
    pool.on("error", () => {});
    return { db: drizzle(pool, { schema }) as unknown as Db, kind: "postgres", close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
  await client.waitReady;
  return { db: drizzle(client, { schema }) as unknown as Db, kind: "pglite", close: () => client.close() };
}

export async function migrateDb(handle: DbHandle, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (handle.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific type it was opened with
    await migrate(handle.db as any, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: as above
    await migrate(handle.db as any, { migrationsFolder });
  }
}

/** Rows of a raw `db.execute(sql)`, the same on both drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

// A small pool of the process's own, for the few statements that must commit on their own even when their
// caller is inside a transaction: the request budgets (a budget row locked until someone's transaction ends
// would hold every other request of that account). Its own connections, so callers holding the main pool's
// connections in transactions can never starve it. Not for PGlite: its one connection is the transaction's.
const processPool = Symbol.for("amango.db.processPool");
const shared = globalThis as { [processPool]?: Db };

/** Opens the side pool on `databaseUrl` (none for PGlite) and returns what closes it. */
export async function registerProcessPool(databaseUrl: string | undefined): Promise<() => Promise<void>> {
  if (!databaseUrl) return async () => {};
  const side = await openDb({ databaseUrl, max: 2 });
  shared[processPool] = side.db;
  return async () => {
    if (shared[processPool] === side.db) delete shared[processPool];
    await side.close();
  };
}

/** `db` itself, unless it is a transaction and the process has its side pool: then that pool (autocommit). */
export function outsideTransaction(db: Db): Db {
  const pool = shared[processPool];
  return pool && db instanceof PgTransaction ? pool : db;
}
