/** SMS log filters → the inputs of `sms.list` and `sms.daily`. Pure, so it is unit-tested. */
import { CALLS_PERIODS, type CallsPeriod } from "@/components/calls/filters-state";
import { type Range, rangeOf } from "@/components/data-view/period";

export const SMS_PERIODS = CALLS_PERIODS;
export type SmsPeriod = CallsPeriod;
export const STATUSES = ["queued", "sent", "delivered", "failed", "skipped"] as const;
export type SmsStatus = (typeof STATUSES)[number];
/** The server ignores a shorter search (server/sms/history.ts MIN_SEARCH_DIGITS). */
export const MIN_SEARCH_DIGITS = 2;

export type SmsFilters = {
  status: SmsStatus | null;
  ruleId: string | null;
  /** As typed: digits and the separators people put in numbers. */
  search: string;
  period: SmsPeriod;
  range: Range;
};

export const defaultFilters = (timeZone: string, now: Date = new Date()): SmsFilters => ({
  status: null,
  ruleId: null,
  search: "",
  period: "7d",
  range: rangeOf("7d", timeZone, now),
});

export const searchDigits = (search: string) => search.replace(/\D/g, "");

/** Keeps what the search box accepts: digits, spaces, "+", "-", brackets. */
export const cleanSearch = (typed: string) => typed.replace(/[^\d\s()+-]/g, "").slice(0, 32);

export const isDirty = (f: SmsFilters) =>
  f.status !== null || f.ruleId !== null || searchDigits(f.search) !== "" || f.period !== "7d";

/** The query input: absent filters are omitted; the period always has a start (the chart needs one). */
export function queryInputOf(f: SmsFilters, timeZone: string, now: Date = new Date()) {
  const digits = searchDigits(f.search);
  return {
    status: f.status ?? undefined,
    ruleId: f.ruleId ?? undefined,
    search: digits.length >= MIN_SEARCH_DIGITS ? digits : undefined,
    from: f.range.from ?? rangeOf("7d", timeZone, now).from!,
    to: f.range.to,
  };
}
