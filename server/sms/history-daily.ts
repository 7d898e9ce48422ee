// The SMS log's chart: per calendar day of the account's time zone in the chosen period (the day the SMS was made, as the
// list's period filter), how many went out, were delivered, failed. "Sent" counts every SMS MANGO
// accepted, delivered ones included, so the bars read as a funnel: sent ≥ delivered.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { smsMessages } from "@/db/schema";
import { accountDaySql, chartWindow } from "@/server/reports/account-days";
import { type SmsHistoryFilter, smsHistoryWhere, smsTime } from "./history";

export type SmsDayCounts = { day: string; sent: number; delivered: number; failed: number };

const countWhere = (condition: ReturnType<typeof sql>) =>
  sql<number>`count(*) filter (where ${condition})`.mapWith(Number);

/** Per-day counts for the filter's period, in the account's days (`to` defaults to now); days without SMS count zero. */
export async function dailySmsCounts(
  db: Db,
  f: SmsHistoryFilter & { from: Date; now?: Date; timeZone: string },
): Promise<SmsDayCounts[]> {
  const to = f.to ?? f.now ?? new Date();
  const window = chartWindow(f.from, to, f.timeZone);
  if (!window) return [];
  const { days, from } = window;
  const smsDaySql = accountDaySql(smsTime, f.timeZone);
  const rows = await db
    .select({
      day: smsDaySql,
      sent: countWhere(sql`${smsMessages.status} in ('sent', 'delivered')`),
      delivered: countWhere(sql`${smsMessages.status} = 'delivered'`),
      failed: countWhere(sql`${smsMessages.status} = 'failed'`),
    })
    .from(smsMessages)
    .where(smsHistoryWhere({ ...f, from, to }))
    .groupBy(smsDaySql);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    return { day, sent: r?.sent ?? 0, delivered: r?.delivered ?? 0, failed: r?.failed ?? 0 };
  });
}
