import { getDb } from "@/db";
import { env } from "@/server/config/env";
import { createHub, type Hub } from "./hub";
import { createPgHub } from "./pg-hub";

/**
 * One hub per process and name, kept on globalThis: Next.js may bundle the webhook route and the stream
 * route into separate chunks, each with its own copy of this module, and they must share the channels.
 * On PostgreSQL it fans out to every instance (LISTEN/NOTIFY on a connection of its own); on embedded
 * PGlite there is one process, so the in-process hub is all there is.
 */
export function processHub<T>(name: string): Hub<T> {
  const slot = Symbol.for(`amango.realtime.${name}`);
  const g = globalThis as unknown as Record<symbol, Hub<T> | undefined>;
  g[slot] ??= hubFor<T>(name);
  return g[slot];
}

function hubFor<T>(topic: string): Hub<T> {
  const url = env().DATABASE_URL;
  return url ? createPgHub<T>({ db: getDb, connectionString: url, topic }) : createHub<T>();
}
