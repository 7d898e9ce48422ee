import { DrizzleQueryError } from "drizzle-orm";
import { PgPreparedQuery } from "drizzle-orm/pg-core";

/**
 * A failed statement must not carry its bound values anywhere it may be printed: drizzle's error puts every
 * parameter (raw webhook bodies, keys, phone numbers) in its message, its stack and `params`, and the
 * driver's error may quote a value in its message or `detail`. Next.js prints an error thrown from a page
 * or route whole, so the values are removed where the error is made, for every query of the process: the
 * SQL text stays (it is parameterised), the values become a count, quoted literals in PostgreSQL's own
 * message are elided; the SQLSTATE code, constraint, table and column stay for diagnosis.
 */
const QUOTED_VALUE = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;
/** Quoted names of the schema stay (`unique constraint "…_key"`, `relation "calls"`): they are no value. */
const SCHEMA_NAME_BEFORE =
  /(?:constraint|relation|column|table|index|type|function|schema|database|role)\s*$/i;
const elideValues = (message: string) =>
  message.replace(QUOTED_VALUE, (quoted, offset: number) =>
    SCHEMA_NAME_BEFORE.test(message.slice(Math.max(0, offset - 20), offset)) ? quoted : '"…"',
  );
const VALUE_FIELDS = ["detail", "where", "hint", "internalQuery", "query"] as const;

const framesOf = (stack: string | undefined) => (stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));

export function scrubQueryError(err: DrizzleQueryError): DrizzleQueryError {
  const count = Array.isArray(err.params) ? err.params.length : 0;
  const message = `Failed query: ${err.query}\nparams: [${count} hidden]`;
  err.message = message;
  err.params = [];
  err.stack = [`${err.name}: ${message}`, ...framesOf(err.stack)].join("\n");
  const cause = err.cause;
  if (cause instanceof Error) {
    const fields = cause as unknown as Record<string, unknown>;
    cause.message = elideValues(cause.message);
    for (const f of VALUE_FIELDS) if (typeof fields[f] === "string") fields[f] = "[hidden]";
    cause.stack = [`${cause.name}: ${cause.message}`, ...framesOf(cause.stack)].join("\n");
  }
  return err;
}

let installed = false;

/** Installs the scrubbing on every PostgreSQL query (node-postgres and PGlite alike); once per process. */
export function hideQueryParameters(): void {
  if (installed) return;
  installed = true;
  const proto = PgPreparedQuery.prototype as unknown as {
    queryWithCache: (...args: unknown[]) => Promise<unknown>;
  };
  const original = proto.queryWithCache;
  proto.queryWithCache = async function (this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (err) {
      throw err instanceof DrizzleQueryError ? scrubQueryError(err) : err;
    }
  };
}
