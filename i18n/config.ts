/** Locales of the portal: Russian first, English second. No locale in the URL: a cookie chooses. */
export const locales = ["ru", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "ru";
export const LOCALE_COOKIE = "locale";
/** Times are shown in the account's time zone (i18n/time-zone.ts); Moscow when there is none. */
export { DEFAULT_TIME_ZONE } from "@/lib/account-time";

export const isLocale = (value: unknown): value is Locale => locales.includes(value as Locale);
