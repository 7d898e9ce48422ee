"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";

/** The real amoCRM OAuth sign-in arrives with onboarding; until then the button is shown disabled. */
export function AmocrmSignIn() {
  const t = useTranslations("login");
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        {/* A disabled button fires no pointer events, so the tooltip hangs on this wrapper. */}
        <span className="block" tabIndex={0}>
          <Button className="w-full" size="lg" disabled aria-describedby="amocrm-soon">
            {t("amocrm")}
            <Badge variant="secondary" className="ml-1 uppercase">
              {t("soon")}
            </Badge>
          </Button>
        </span>
      </TooltipTrigger>
      <TooltipContent id="amocrm-soon">{t("amocrmHint")}</TooltipContent>
    </Tooltip>
  );
}
