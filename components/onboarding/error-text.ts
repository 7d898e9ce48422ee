"use client";

import { TRPCClientError } from "@trpc/client";
import { useLocale, useTranslations } from "next-intl";
import { useErrorText } from "@/lib/trpc/errors";

/** Codes the onboarding procedures answer with a Russian message of their own (amoCRM access, amoCRM down). */
const OWN = ["PRECONDITION_FAILED", "BAD_GATEWAY"] as const;
type Own = (typeof OWN)[number];

/** `useErrorText` plus the onboarding-specific codes: Russian shows the server's text, English a translation. */
export function useOnboardingErrorText() {
  const t = useTranslations("onboarding.errors");
  const locale = useLocale();
  const common = useErrorText();
  return (error: unknown): string => {
    const code =
      error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : null;
    if (!OWN.includes(code as Own)) return common(error);
    if (locale === "ru" && error instanceof TRPCClientError && error.message) return error.message;
    return t(code as Own);
  };
}
