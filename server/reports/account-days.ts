// Daily charts (Звонки, SMS) count per calendar day of the amoCRM account's time zone (tenants.time_zone):
// a call at 23:30 Moscow belongs to the next day of a Novosibirsk company. PostgreSQL and PGlite both
// carry the time zone database, so the day is cut in SQL with the zone's own rules.
import { type SQL, sql } from "drizzle-orm";
import { dayOf, dayStart, daysBetween, isTimeZone } from "@/lib/account-time";

/** A chart draws one group of bars per day; a longer period would be unreadable. */
export const MAX_CHART_DAYS = 93;

/** "YYYY-MM-DD" of the account day an instant falls in. */
export const accountDayOf = dayOf;

/** Every account day from the one of `from` to the one of `to`, inclusive, at most MAX_CHART_DAYS (the latest). */
export const accountDaysBetween = (from: Date, to: Date, timeZone: string) =>
  daysBetween(from, to, timeZone, MAX_CHART_DAYS);

/**
 * The account day of a timestamp column, in SQL, as "YYYY-MM-DD". The zone is a literal, not a parameter,
 * so the same expression can be selected and grouped by; only a valid IANA name gets this far.
 */
export function accountDaySql(at: SQL | SQL.Aliased, timeZone: string) {
  if (!isTimeZone(timeZone)) throw new RangeError(`not a time zone: ${timeZone}`);
  return sql<string>`to_char(${at} at time zone ${sql.raw(`'${timeZone}'`)}, 'YYYY-MM-DD')`;
}

/**
 * The days a chart of the period draws and where its query starts: a period longer than the chart starts
 * at the chart's first day. Null when the period has no day.
 */
export function chartWindow(from: Date, to: Date, timeZone: string): { days: string[]; from: Date } | null {
  const days = accountDaysBetween(from, to, timeZone);
  if (days.length === 0) return null;
  const firstDayStart = dayStart(days[0]!, timeZone)!;
  return { days, from: from > firstDayStart ? from : firstDayStart };
}
