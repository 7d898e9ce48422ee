import type { Db } from "@/db";
import { createLocalQueue } from "@/inngest/local/queue";
import { receiveMangoEvent } from "@/server/events/mango-intake";
import { serveHandler } from "@/test/http-bridge";

/**
 * Our MANGO events route (`/api/mango/<webhookKey>/<event path>`) on a real HTTP port, queueing into the
 * local job driver on `db`: what the MANGO emulator is pointed at in integration tests.
 */
export function serveMangoIntake(db: Db) {
  const queue = createLocalQueue(db);
  return serveHandler(async (req) => {
    const m = /^\/api\/mango\/([^/]+)\/(.+)$/.exec(new URL(req.url).pathname);
    return m
      ? receiveMangoEvent(req, { webhookKey: m[1]!, path: m[2]! }, { db, queue })
      : new Response("not found", { status: 404 });
  });
}
