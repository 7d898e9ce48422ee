// Filters shared by the Calls page's list and daily chart (issue 6 "Calls page"). Calls are placed in time by
// when they started (the row's creation when no event carried a start), to the millisecond, so the cursor
// compares what the client holds (a JS Date) exactly.
import { and, eq, isNotNull, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { calls } from "@/db/schema";

export const PAGE_DIRECTIONS = ["incoming", "outgoing"] as const;
export type PageDirection = (typeof PAGE_DIRECTIONS)[number];
/**
 * `missed`: a client's call nobody answered (incoming); `notAnswered`: our outgoing call the client did not
 * pick up — not "missed", nobody missed anything of the client's.
 */
export const CALL_RESULTS = ["answered", "missed", "notAnswered"] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

export type CallsFilter = {
  tenantId: string;
  direction?: PageDirection;
  /** The employee's calls: those they answered or placed, and unanswered ones that rang on their extension. */
  extension?: string;
  result?: CallResult;
  from?: Date;
  to?: Date;
};

/** When the call happened, truncated to milliseconds (a JS Date's precision). */
export const callTime = sql<Date>`date_trunc('milliseconds', coalesce(${calls.startedAt}, ${calls.createdAt}))`;

/** A page of calls newest first ends at this call; the next page starts after it. */
export type CallTimeCursor = { at: Date; id: string };

/** The calls after `c` in the newest-first order (time, then id) the call lists page by. */
export const afterCallCursor = (c: CallTimeCursor): SQL =>
  sql`(${callTime}, ${calls.id}) < (${c.at.toISOString()}::timestamptz, ${c.id}::uuid)`;

/** The same rule as logging (`isAnswered` in log-decide.ts): someone answered, or there was talk time. */
export const answeredSql = or(isNotNull(calls.answeredExtension), sql`${calls.talkSeconds} > 0`)!;

const outgoingSql = sql`${calls.direction} = 'outgoing'`;
/** Unanswered, not an outgoing call: the client called and nobody answered. */
export const missedSql = sql`not (${answeredSql}) and not (${outgoingSql})`;
/** Unanswered outgoing call: the client did not pick up. */
export const notAnsweredSql = sql`not (${answeredSql}) and ${outgoingSql}`;

const resultSql = { answered: answeredSql, missed: missedSql, notAnswered: notAnsweredSql };

/** The result of a call as the Calls page shows it (the same rules as the SQL above). */
export const callResultOf = (answered: boolean, direction: string): CallResult =>
  answered ? "answered" : direction === "outgoing" ? "notAnswered" : "missed";

/** The tenant is always in the where; internal calls (no client) are not shown. */
export function callsWhere(f: CallsFilter): SQL {
  return and(
    eq(calls.tenantId, f.tenantId),
    ne(calls.direction, "internal"),
    f.direction ? eq(calls.direction, f.direction) : undefined,
    f.extension
      ? or(
          eq(calls.answeredExtension, f.extension),
          eq(calls.callerExtension, f.extension),
          and(
            isNull(calls.answeredExtension),
            sql`${calls.rangExtensions} @> ${JSON.stringify([f.extension])}::jsonb`,
          ),
        )
      : undefined,
    f.result ? resultSql[f.result] : undefined,
    f.from ? sql`${callTime} >= ${f.from.toISOString()}::timestamptz` : undefined,
    f.to ? sql`${callTime} <= ${f.to.toISOString()}::timestamptz` : undefined,
  )!;
}
