"use client";

import { LoaderCircle, RefreshCw } from "lucide-react";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * "Подключить amoCRM заново" for the needs_reconnect / disconnected banner: a fresh amoCRM sign-in. An
 * owner's or admin's sign-in stores the new tokens and makes the tenant active again
 * (server/onboarding/signin.ts); /login itself sends a signed-in user on, so the banner needs this.
 */
export function ReconnectAmocrm() {
  const t = useTranslations("auth.amocrm");
  const [pending, setPending] = useState(false);
  return (
    <Button
      type="button"
      size="sm"
      variant="outline"
      data-testid="amocrm-reconnect"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("amocrm", { callbackUrl: window.location.pathname });
      }}
    >
      {pending ? <LoaderCircle className="animate-spin" /> : <RefreshCw />}
      {t("reconnect")}
    </Button>
  );
}
