/** Locales of the portal: Russian first, English second. No locale in the URL: a cookie chooses. */
export const locales = ["ru", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "ru";
export const LOCALE_COOKIE = "locale";
/** Times are shown in Moscow time unless a later setting says otherwise. */
export const DEFAULT_TIME_ZONE = "Europe/Moscow";

export const isLocale = (value: unknown): value is Locale => locales.includes(value as Locale);
