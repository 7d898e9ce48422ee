"use client";

import { type DateTimeFormatOptions, useFormatter, useTimeZone } from "next-intl";
import { DEFAULT_TIME_ZONE } from "@/lib/account-time";

/** Short date and time, the portal's usual form. */
export const DATE_TIME = { dateStyle: "short", timeStyle: "short" } as const;

/** The amoCRM account's time zone (i18n/time-zone.ts hands it to next-intl); Moscow without a tenant. */
export const useAccountTimeZone = (): string => useTimeZone() ?? DEFAULT_TIME_ZONE;

/**
 * Formats instants as the account's clock shows them: a Novosibirsk company sees its calls at Novosibirsk
 * time whatever the browser's zone. Every date the portal shows goes through this (or next-intl's formatter,
 * which is configured with the same zone).
 */
export function useAccountDateTime() {
  const format = useFormatter();
  const timeZone = useAccountTimeZone();
  return (at: Date, style: DateTimeFormatOptions = DATE_TIME) => format.dateTime(at, { ...style, timeZone });
}
