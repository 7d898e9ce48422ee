"use client";

import { LoaderCircle } from "lucide-react";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";

/**
 * "Войти через amoCRM": goes to amoCRM's consent page and comes back signed in. Without our integration's
 * credentials (AMOCRM_CLIENT_ID/SECRET) the provider is not registered, so the button says so instead;
 * `aria-disabled` (not `disabled`) keeps it focusable so the hint can show.
 */
export function AmocrmSignIn({ enabled }: { enabled: boolean }) {
  const t = useTranslations("login");
  const tAuth = useTranslations("auth.amocrm");
  const [pending, setPending] = useState(false);
  if (!enabled) {
    return (
      <Tooltip>
        <TooltipTrigger asChild>
          <Button
            type="button"
            size="lg"
            aria-disabled="true"
            data-testid="amocrm-sign-in"
            className="w-full cursor-not-allowed opacity-50 hover:bg-primary"
            onClick={(e) => e.preventDefault()}
          >
            {t("amocrm")}
            <Badge variant="secondary" className="ml-1">
              {tAuth("notConfigured")}
            </Badge>
          </Button>
        </TooltipTrigger>
        <TooltipContent>{tAuth("notConfiguredHint")}</TooltipContent>
      </Tooltip>
    );
  }
  return (
    <div className="flex flex-col gap-2">
      <Button
        type="button"
        size="lg"
        data-testid="amocrm-sign-in"
        className="w-full"
        disabled={pending}
        onClick={() => {
          setPending(true);
          void signIn("amocrm", { callbackUrl: "/overview" });
        }}
      >
        {pending ? <LoaderCircle className="animate-spin" /> : null}
        {t("amocrm")}
      </Button>
      <p className="text-center text-xs text-muted-foreground">{tAuth("hint")}</p>
    </div>
  );
}
