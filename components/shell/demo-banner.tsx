"use client";

import { FlaskConical } from "lucide-react";
import { useTranslations } from "next-intl";

/** Demo mode only: says the services are emulators and links to the amoCRM emulator's control page. */
export function DemoBanner({ controlUrl }: { controlUrl: string }) {
  const t = useTranslations("shell");
  return (
    <div
      data-testid="demo-banner"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900 sm:px-6"
    >
      <FlaskConical className="size-4 shrink-0" />
      <p className="flex-1">{t("demo")}</p>
      <a
        href={controlUrl}
        target="_blank"
        rel="noreferrer"
        className="font-medium underline underline-offset-2"
      >
        {t("demoControl")}
      </a>
    </div>
  );
}
