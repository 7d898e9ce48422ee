// Daily charts (Звонки, SMS) count per Moscow calendar day. Moscow has kept UTC+3 all year since 2014, so a
// fixed offset places a row in its day on PostgreSQL and PGlite alike (no time zone database needed).
import { type SQL, sql } from "drizzle-orm";

const MOSCOW_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 86_400_000;
/** A chart draws one group of bars per day; a longer period would be unreadable. */
export const MAX_CHART_DAYS = 93;

/** "YYYY-MM-DD" of the Moscow calendar day an instant falls in. */
export const moscowDayOf = (at: Date) => new Date(at.getTime() + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);

/** Every Moscow day from the one of `from` to the one of `to`, inclusive, at most MAX_CHART_DAYS (the latest). */
export function moscowDaysBetween(from: Date, to: Date): string[] {
  const first = Date.parse(`${moscowDayOf(from)}T00:00:00Z`);
  const last = Date.parse(`${moscowDayOf(to)}T00:00:00Z`);
  const days: string[] = [];
  for (let d = last; d >= first && days.length < MAX_CHART_DAYS; d -= DAY_MS)
    days.push(new Date(d).toISOString().slice(0, 10));
  return days.reverse();
}

/** The Moscow day of a timestamp column, in SQL, as "YYYY-MM-DD". */
export const moscowDaySql = (at: SQL | SQL.Aliased) =>
  sql<string>`to_char((${at} at time zone 'UTC') + interval '3 hours', 'YYYY-MM-DD')`;

/**
 * The days a chart of the period draws and where its query starts: a period longer than the chart starts
 * at the chart's first day. Null when the period has no day.
 */
export function chartWindow(from: Date, to: Date): { days: string[]; from: Date } | null {
  const days = moscowDaysBetween(from, to);
  if (days.length === 0) return null;
  const firstDayStart = new Date(Date.parse(`${days[0]}T00:00:00Z`) - MOSCOW_OFFSET_MS);
  return { days, from: from > firstDayStart ? from : firstDayStart };
}
