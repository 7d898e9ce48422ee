import { maskText } from "./mask";

/**
 * Errors as logs and answers may show them: no SQL parameters. Drizzle wraps a failed statement in an
 * error whose message is `Failed query: <sql>\nparams: <every bound value>` — raw bodies, keys, phone
 * numbers — and keeps them in `params`; PostgreSQL's own message may quote a value (`invalid input syntax
 * for type uuid: "…"`). What is kept: the statement's failure as PostgreSQL names it (SQLSTATE code,
 * constraint, table, column) and its message with quoted values elided.
 */
type QueryError = Error & { query: string; params: unknown[]; cause?: unknown };
type PgErrorFields = { code?: unknown; constraint?: unknown; table?: unknown; column?: unknown };

const FAILED_QUERY = /Failed query:[\s\S]*$/;
const QUOTED_VALUE = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

export function isQueryError(err: unknown): err is QueryError {
  return err instanceof Error && "query" in err && "params" in err;
}

/** The first query error in a chain of causes (a TRPCError or an app error may wrap one). */
function queryErrorIn(err: unknown): QueryError | null {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (isQueryError(current)) return current;
    current = current.cause;
  }
  return null;
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/** `database query failed [23505] duplicate key … constraint "…" (constraint webhook_inbox_identity)`. */
function describeQueryError(err: QueryError): string {
  const cause = (err.cause ?? {}) as PgErrorFields & { message?: unknown };
  const code = str(cause.code);
  const message = str(cause.message)?.replace(QUOTED_VALUE, '"…"');
  const where = (["constraint", "table", "column"] as const)
    .map((k) => (str(cause[k]) ? `${k} ${str(cause[k])}` : null))
    .filter(Boolean)
    .join(", ");
  return [
    "database query failed",
    code ? ` [${code}]` : "",
    message ? `: ${maskText(message)}` : "",
    where ? ` (${where})` : "",
  ].join("");
}

/**
 * The message of an error with no query parameters in it: a query error (or one wrapping it) is described
 * by PostgreSQL's failure alone; any other message is returned unchanged, except a copied "Failed query:"
 * tail, which is cut.
 */
export function safeErrorMessage(err: unknown): string {
  const query = queryErrorIn(err);
  if (query) return describeQueryError(query);
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(FAILED_QUERY, "database query failed");
}

/**
 * pino's serializer for `err` (server/log/logger.ts): whatever a caller hands in — the error, its
 * `String(err)` or its message — the line carries its type and a parameter-free message, phones masked.
 */
export function serializeError(err: unknown): unknown {
  if (err instanceof Error) {
    const query = queryErrorIn(err);
    const code = query ? str((query.cause as PgErrorFields | undefined)?.code) : undefined;
    return {
      type: err.name,
      message: maskText(safeErrorMessage(err)),
      ...(code ? { code } : {}),
    };
  }
  if (typeof err === "string") return maskText(safeErrorMessage(err));
  return err;
}
