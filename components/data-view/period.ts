/**
 * Log page period filter (Журнал, Звонки, SMS) → the `from`/`to` bounds sent to the server, cut in whole days
 * of the amoCRM account's time zone (next-intl's `useTimeZone()`). Pure, so it is unit-tested.
 */
import { dayEnd, dayOf, dayStart, shiftDay } from "@/lib/account-time";

export type Period = "all" | "today" | "7d" | "30d" | "custom";
export const PERIODS: readonly Period[] = ["all", "today", "7d", "30d", "custom"];
export type Range = { from?: Date; to?: Date };

/** "YYYY-MM-DD" read as an account day: its first instant, or its last with `end`. */
export function accountDate(value: string, timeZone: string, end = false): Date | undefined {
  return (end ? dayEnd(value, timeZone) : dayStart(value, timeZone)) ?? undefined;
}

/** The account day of an instant as "YYYY-MM-DD" (for date inputs). */
export const toAccountDateString = (d: Date, timeZone: string): string => dayOf(d, timeZone);

/** Bounds of a preset period; "today" is the current account day, the others count whole days back. */
export function rangeOf(period: Exclude<Period, "custom">, timeZone: string, now: Date = new Date()): Range {
  if (period === "all") return {};
  const today = dayOf(now, timeZone);
  const back = period === "today" ? 0 : period === "7d" ? 6 : 29;
  return { from: dayStart(shiftDay(today, -back), timeZone)! };
}
