"use client";

import { AtSign, Hand, Smartphone, UserRound } from "lucide-react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { LinkSource } from "./types";

const ICON = { email: AtSign, name: UserRound, mobile: Smartphone, manual: Hand } as const;

/** Why a pair exists or is proposed: e-mail, имя, мобильный, вручную. */
export function ReasonBadge({ reason }: { reason: LinkSource }) {
  const t = useTranslations("employees");
  const Icon = ICON[reason];
  return (
    <Badge
      variant={reason === "manual" ? "outline" : "secondary"}
      title={t("reasonHint", { reason: t(`reasons.${reason}`) })}
      data-testid="match-reason"
      data-reason={reason}
    >
      <Icon />
      {t(`reasons.${reason}`)}
    </Badge>
  );
}
