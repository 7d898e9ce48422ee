"use client";

import { useAccountDateTime } from "@/components/data-view/account-time";

/** Every date the journal shows is formatted here, on the amoCRM account's clock (period bounds: period.ts). */
export const DATE_TIME = { dateStyle: "short", timeStyle: "medium" } as const;

export function useJournalDate(): (d: Date) => string {
  const dateTime = useAccountDateTime();
  return (d) => dateTime(d, DATE_TIME);
}
