"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";

/**
 * The real amoCRM OAuth sign-in arrives with onboarding; until then the button is shown disabled.
 * `aria-disabled` (not `disabled`) keeps it focusable and hoverable so the "скоро" hint can show.
 */
export function AmocrmSignIn() {
  const t = useTranslations("login");
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
          <Badge variant="secondary" className="ml-1 uppercase">
            {t("soon")}
          </Badge>
        </Button>
      </TooltipTrigger>
      <TooltipContent>{t("amocrmHint")}</TooltipContent>
    </Tooltip>
  );
}
