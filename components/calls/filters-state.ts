/** Calls page filters → the inputs of `calls.list` and `calls.daily`. Pure, so it is unit-tested. */
import { type Range, rangeOf } from "@/components/data-view/period";

export type CallsPeriod = "today" | "7d" | "30d" | "custom";
export const CALLS_PERIODS: readonly CallsPeriod[] = ["today", "7d", "30d", "custom"];
export const DIRECTIONS = ["incoming", "outgoing"] as const;
export const RESULTS = ["answered", "missed", "notAnswered"] as const;

export type CallsFilters = {
  direction: (typeof DIRECTIONS)[number] | null;
  extension: string | null;
  result: (typeof RESULTS)[number] | null;
  period: CallsPeriod;
  range: Range;
};

export const defaultFilters = (timeZone: string, now: Date = new Date()): CallsFilters => ({
  direction: null,
  extension: null,
  result: null,
  period: "7d",
  range: rangeOf("7d", timeZone, now),
});

export const isDirty = (f: CallsFilters) =>
  f.direction !== null || f.extension !== null || f.result !== null || f.period !== "7d";

/** The query input: absent filters are omitted; the period always has a start (the chart needs one). */
export function queryInputOf(f: CallsFilters, timeZone: string, now: Date = new Date()) {
  return {
    callDirection: f.direction ?? undefined,
    extension: f.extension ?? undefined,
    result: f.result ?? undefined,
    from: f.range.from ?? rangeOf("7d", timeZone, now).from!,
    to: f.range.to,
  };
}

/** "1:05", "12:00", "1:02:03": talk time as a clock. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
