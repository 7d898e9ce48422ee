"use client";

import { Check, Copy } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

/** The tenant's events address with a copy button and where it goes in the MANGO OFFICE cabinet. */
export function MangoWebhook({ url }: { url: string }) {
  const t = useTranslations("onboarding.mango");
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission (or an insecure origin): select the text for a manual Ctrl+C.
      input.current?.select();
      return;
    }
    setCopied(true);
  };

  return (
    <div className="flex flex-col gap-2" data-testid="mango-webhook">
      <span className="text-sm font-medium">{t("webhookTitle")}</span>
      <div className="flex gap-2">
        <Input
          ref={input}
          readOnly
          value={url}
          data-testid="mango-webhook-url"
          aria-label={t("webhookTitle")}
          className="font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button type="button" variant="outline" onClick={copy} data-testid="mango-webhook-copy">
          {copied ? <Check className="text-emerald-600" /> : <Copy />}
          {copied ? t("copied") : t("copy")}
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">{t("webhookHint", { path: `${url}/events/…` })}</p>
    </div>
  );
}
