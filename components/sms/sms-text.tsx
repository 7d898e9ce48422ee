"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { cn } from "@/lib/utils";

/** Longer texts show their start; a click (or Enter) unfolds them, the tooltip holds the whole text. */
const FOLDED_CHARS = 90;

export function SmsText({ text }: { text: string }) {
  const t = useTranslations("sms");
  const [open, setOpen] = useState(false);
  if (text.length <= FOLDED_CHARS)
    return (
      <span className="block whitespace-pre-line break-words" data-testid="sms-text">
        {text}
      </span>
    );
  return (
    <button
      type="button"
      title={open ? undefined : text}
      aria-expanded={open}
      aria-label={open ? t("collapse") : t("expand")}
      onClick={() => setOpen((v) => !v)}
      className={cn(
        "block w-full cursor-pointer rounded-sm text-left break-words outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
        open ? "whitespace-pre-line" : "line-clamp-2",
      )}
      data-testid="sms-text"
    >
      {text}
    </button>
  );
}
