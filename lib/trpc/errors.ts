"use client";

import { TRPCClientError } from "@trpc/client";
import { useLocale, useTranslations } from "next-intl";

const KNOWN = ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "BAD_REQUEST"] as const;
type Known = (typeof KNOWN)[number];

/**
 * Turns a tRPC error into text for the user. The server's own messages are written in Russian, so the
 * Russian interface shows them as they are; other locales get the translated message for the error code.
 */
export function useErrorText() {
  const t = useTranslations("errors");
  const locale = useLocale();
  return (error: unknown): string => {
    if (!(error instanceof TRPCClientError)) return t("generic");
    const code = (error.data as { code?: string } | undefined)?.code;
    const known = KNOWN.includes(code as Known) ? (code as Known) : null;
    if (locale === "ru" && known && error.message) return error.message;
    return known ? t(known) : t("generic");
  };
}
