"use client";

import { TriangleAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { ReconnectAmocrm } from "@/components/auth/reconnect-amocrm";
import { useTenant } from "./use-tenant";

/** Warns when the amoCRM connection is lost or the integration is switched off. */
export function TenantBanner() {
  const t = useTranslations("shell");
  const { data } = useTenant();
  if (!data || data.status === "active") return null;
  return (
    <div
      role="alert"
      data-testid="tenant-banner"
      className="flex items-start gap-3 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:px-6"
    >
      <TriangleAlert className="mt-0.5 size-4 shrink-0" />
      <p className="flex-1">{data.status === "needs_reconnect" ? t("reconnect") : t("disconnected")}</p>
      {data.role !== "member" ? <ReconnectAmocrm /> : null}
    </div>
  );
}
