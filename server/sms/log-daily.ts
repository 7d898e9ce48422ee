// The SMS log's chart: per Moscow calendar day of the chosen period (the day the SMS was made, as the
// list's period filter), how many went out, were delivered, failed. "Sent" counts every SMS MANGO
// accepted, delivered ones included, so the bars read as a funnel: sent ≥ delivered.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { moscowDaysBetween } from "@/server/calls/page-daily";
import { type SmsLogFilter, smsLogWhere, smsTime } from "./log";

const MOSCOW_OFFSET_MS = 3 * 3600_000;

export type SmsDayCounts = { day: string; sent: number; delivered: number; failed: number };

// Moscow has kept UTC+3 all year since 2014: a fixed offset places an SMS in its day on PostgreSQL and
// PGlite alike (no time zone database needed).
const moscowDaySql = sql<string>`to_char((${smsTime} at time zone 'UTC') + interval '3 hours', 'YYYY-MM-DD')`;
const countWhere = (condition: ReturnType<typeof sql>) =>
  sql<number>`count(*) filter (where ${condition})`.mapWith(Number);

/** Per-day counts for the filter's period (`to` defaults to now); days without SMS count zero. */
export async function dailySmsCounts(
  db: Db,
  f: SmsLogFilter & { from: Date; now?: Date },
): Promise<SmsDayCounts[]> {
  const to = f.to ?? f.now ?? new Date();
  const days = moscowDaysBetween(f.from, to);
  if (days.length === 0) return [];
  // A period longer than the chart starts at the chart's first day.
  const firstDayStart = new Date(Date.parse(`${days[0]}T00:00:00Z`) - MOSCOW_OFFSET_MS);
  const from = f.from > firstDayStart ? f.from : firstDayStart;
  const rows = await db
    .select({
      day: moscowDaySql,
      sent: countWhere(sql`${smsMessages.status} in ('sent', 'delivered')`),
      delivered: countWhere(sql`${smsMessages.status} = 'delivered'`),
      failed: countWhere(sql`${smsMessages.status} = 'failed'`),
    })
    .from(smsMessages)
    .where(smsLogWhere({ ...f, from, to }))
    .groupBy(moscowDaySql);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    return { day, sent: r?.sent ?? 0, delivered: r?.delivered ?? 0, failed: r?.failed ?? 0 };
  });
}
