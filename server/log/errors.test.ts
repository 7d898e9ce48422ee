import { Writable } from "node:stream";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { DrizzleQueryError } from "drizzle-orm";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import type { JobQueue } from "@/server/jobs/queue";
import { publicProcedure, router } from "@/server/trpc/init";
import { safeErrorMessage, serializeError } from "./errors";
import { loggerOptions } from "./logger";
import { withSafeErrors } from "./route-errors";

const PHONE = "79991234567";
const KEY = "vpbx-key-4f1c9e0b7a";
const RAW = `vpbx_api_key=${KEY}&json={"from":{"number":"${PHONE}"}}`;

/** What drizzle throws when PostgreSQL refuses an insert: the SQL and every bound value in its message. */
function failedInsert() {
  const pgError = Object.assign(
    new Error('duplicate key value violates unique constraint "webhook_inbox_identity"'),
    {
      code: "23505",
      constraint: "webhook_inbox_identity",
      table: "webhook_inbox",
      detail: `Key (event_key)=(${PHONE}) already exists.`,
    },
  );
  return new DrizzleQueryError(
    'insert into "webhook_inbox" ("payload", "event_key") values ($1, $2)',
    [RAW, PHONE],
    pgError,
  );
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ ...loggerOptions, level: "info" }, stream), lines };
}

describe("error logs carry no query parameters", () => {
  it("describes a failed query by PostgreSQL's code, message and constraint only", () => {
    const err = failedInsert();
    expect(err.message).toContain(KEY); // what Next.js and a plain log would print
    const message = safeErrorMessage(err);
    expect(message).toBe(
      'database query failed [23505]: duplicate key value violates unique constraint "…" (constraint webhook_inbox_identity, table webhook_inbox)',
    );
    expect(safeErrorMessage(new Error("amoCRM answered 401"))).toBe("amoCRM answered 401");
    expect(safeErrorMessage(new Error("wrapped", { cause: err }))).toBe(message);
  });

  it("logs an error, its String() or its message without the SQL's values", () => {
    const { log, lines } = capture();
    const err = failedInsert();
    log.error({ err }, "as an error");
    log.warn({ err: String(err) }, "as a string");
    log.warn({ err: err.message }, "as a message");
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain("params");
      expect(line).toContain("database query failed");
    }
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: "Error", code: "23505" });
    expect(serializeError({ not: "an error" })).toEqual({ not: "an error" });
  });

  it("answers a tRPC call that failed on a query without its parameters", async () => {
    const failing = router({ boom: publicProcedure.query(() => Promise.reject(failedInsert())) });
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: failing,
      req: new Request("http://x/api/trpc/boom"),
      createContext: async () => ({
        db: {} as Db,
        queue: {} as JobQueue,
        session: null,
        requestId: "r",
      }),
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(PHONE);
    expect(text).toContain("database query failed [23505]");
  });

  it("answers a webhook route's failure 500 instead of throwing it to Next.js", async () => {
    const route = withSafeErrors("test.route", async (_req: Request) => {
      throw failedInsert();
    });
    const res = await route(new Request("http://x/api/mango/k/events/call", { method: "POST" }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(PHONE);
  });
});
