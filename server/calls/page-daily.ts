// The Calls page's chart: answered and missed calls per Moscow calendar day of the chosen period. Moscow
// has kept UTC+3 all year since 2014, so a fixed offset places a call in its day on PostgreSQL and PGlite
// alike (no time zone database needed).
import { count, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { calls } from "@/db/schema";
import { answeredSql, type CallsFilter, callsWhere, callTime } from "./page-filters";

const MOSCOW_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 86_400_000;
/** The chart draws one bar pair per day; a longer period would be unreadable. */
export const MAX_CHART_DAYS = 93;

export type DayCounts = { day: string; answered: number; missed: number };

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

const moscowDaySql = sql<string>`to_char((${callTime} at time zone 'UTC') + interval '3 hours', 'YYYY-MM-DD')`;

/** Per-day counts for the filter's period (`to` defaults to now); days without calls count zero. */
export async function dailyCallCounts(
  db: Db,
  f: CallsFilter & { from: Date; now?: Date },
): Promise<DayCounts[]> {
  const to = f.to ?? f.now ?? new Date();
  const days = moscowDaysBetween(f.from, to);
  if (days.length === 0) return [];
  // A period longer than the chart starts at the chart's first day.
  const firstDayStart = new Date(Date.parse(`${days[0]}T00:00:00Z`) - MOSCOW_OFFSET_MS);
  const from = f.from > firstDayStart ? f.from : firstDayStart;
  const rows = await db
    .select({
      day: moscowDaySql,
      answered: sql<number>`count(*) filter (where ${answeredSql})`.mapWith(Number),
      total: count(),
    })
    .from(calls)
    .where(callsWhere({ ...f, from, to }))
    .groupBy(moscowDaySql);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    const answered = r?.answered ?? 0;
    return { day, answered, missed: (r ? Number(r.total) : 0) - answered };
  });
}
