import path from "node:path";
import { migrateDb, openDb } from "@/db/client";
import { parseEnv } from "@/server/config/env";

// `npm run db:migrate`: applies db/migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR.
const e = parseEnv();
const handle = await openDb({ databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR, "pglite") });
await migrateDb(handle);
await handle.close();
console.warn(`migrations applied (${handle.kind})`);
