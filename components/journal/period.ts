/** Journal period filter → the `from`/`to` bounds sent to `activity.list`. Pure, so it is unit-tested. */

export type Period = "all" | "today" | "7d" | "30d" | "custom";
export const PERIODS: readonly Period[] = ["all", "today", "7d", "30d", "custom"];
export type Range = { from?: Date; to?: Date };

/** Moscow has kept UTC+3 all year since 2014; day boundaries are Moscow days. */
const MOSCOW_OFFSET_MS = 3 * 3600_000;
const DAY_MS = 86_400_000;

/** The instant a Moscow calendar day starts, for the day containing `now`. */
export function startOfMoscowDay(now: Date): Date {
  const shifted = now.getTime() + MOSCOW_OFFSET_MS;
  return new Date(shifted - (((shifted % DAY_MS) + DAY_MS) % DAY_MS) - MOSCOW_OFFSET_MS);
}

/** "YYYY-MM-DD" read as a Moscow calendar day: its first instant, or its last with `end`. */
export function moscowDate(value: string, end = false): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - MOSCOW_OFFSET_MS;
  return new Date(end ? start + DAY_MS - 1 : start);
}

/** The Moscow calendar day of an instant as "YYYY-MM-DD" (for date inputs). */
export function toMoscowDateString(d: Date): string {
  return new Date(d.getTime() + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** Bounds of a preset period; "today" is the current Moscow day, the others count whole Moscow days back. */
export function rangeOf(period: Exclude<Period, "custom">, now: Date = new Date()): Range {
  if (period === "all") return {};
  const today = startOfMoscowDay(now);
  if (period === "today") return { from: today };
  const days = period === "7d" ? 6 : 29;
  return { from: new Date(today.getTime() - days * DAY_MS) };
}
