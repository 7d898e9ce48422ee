// The Calls page's chart: answered, missed (incoming) and not answered (outgoing) calls per calendar day of
// the account's time zone in the chosen period (server/reports/account-days.ts).
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { calls } from "@/db/schema";
import { accountDaySql, chartWindow } from "@/server/reports/account-days";
import { answeredSql, type CallsFilter, callsWhere, callTime, missedSql, notAnsweredSql } from "./filters";

export type DayCounts = { day: string; answered: number; missed: number; notAnswered: number };

/** Per-day counts for the filter's period, in the account's days (`to` defaults to now); days without calls count zero. */
export async function dailyCallCounts(
  db: Db,
  f: CallsFilter & { from: Date; now?: Date; timeZone: string },
): Promise<DayCounts[]> {
  const to = f.to ?? f.now ?? new Date();
  const window = chartWindow(f.from, to, f.timeZone);
  if (!window) return [];
  const { days, from } = window;
  const callDaySql = accountDaySql(callTime, f.timeZone);
  const rows = await db
    .select({
      day: callDaySql,
      answered: sql<number>`count(*) filter (where ${answeredSql})`.mapWith(Number),
      missed: sql<number>`count(*) filter (where ${missedSql})`.mapWith(Number),
      notAnswered: sql<number>`count(*) filter (where ${notAnsweredSql})`.mapWith(Number),
    })
    .from(calls)
    .where(callsWhere({ ...f, from, to }))
    .groupBy(callDaySql);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    return { day, answered: r?.answered ?? 0, missed: r?.missed ?? 0, notAnswered: r?.notAnswered ?? 0 };
  });
}
