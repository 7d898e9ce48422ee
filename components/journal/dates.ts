"use client";

import { useFormatter } from "next-intl";

/**
 * Every date the journal shows is formatted here, so moving the journal to the account's timezone is one
 * change (the period bounds are in period.ts).
 */
export const DATE_TIME = { dateStyle: "short", timeStyle: "medium" } as const;

export function useJournalDate(): (d: Date) => string {
  const format = useFormatter();
  return (d) => format.dateTime(d, DATE_TIME);
}
