/** Dates on "Обзор": short date and time, in the portal's time zone (Moscow, from the next-intl config). */
export const DATE_TIME = { dateStyle: "short", timeStyle: "short" } as const;
