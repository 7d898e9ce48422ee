"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocale } from "@/i18n/actions";
import { locales } from "@/i18n/config";
import { cn } from "@/lib/utils";

/** RU | EN: stores the choice in a cookie and re-renders the page in that language. */
export function LocaleSwitch({ className }: { className?: string }) {
  const current = useLocale();
  const router = useRouter();
  const t = useTranslations("locale");
  const [pending, startTransition] = useTransition();
  return (
    <fieldset
      aria-label={t("label")}
      className={cn("inline-flex items-center rounded-md border bg-background p-0.5 text-xs", className)}
      data-testid="locale-switch"
    >
      {locales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={locale === current}
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              await setLocale(locale);
              router.refresh();
            })
          }
          className={cn(
            "rounded px-2 py-1 font-medium uppercase transition-colors",
            locale === current
              ? "bg-primary text-primary-foreground"
              : "text-muted-foreground hover:text-foreground",
          )}
        >
          {t(locale)}
        </button>
      ))}
    </fieldset>
  );
}
