"use client";

import { useTranslations } from "next-intl";
import { DailyBars } from "@/components/data-view/daily-bars";

export type SmsDayCounts = { day: string; sent: number; delivered: number; failed: number };

/** Sent (delivered included), delivered and failed SMS per day of the account's time zone. */
export function SmsChart({ days }: { days: SmsDayCounts[] }) {
  const t = useTranslations("sms.chart");
  return (
    <DailyBars
      days={days}
      testId="sms-chart"
      series={[
        { key: "sent", label: t("sent"), bar: "fill-sky-500", swatch: "bg-sky-500" },
        { key: "delivered", label: t("delivered"), bar: "fill-emerald-500", swatch: "bg-emerald-500" },
        { key: "failed", label: t("failed"), bar: "fill-red-500", swatch: "bg-red-500" },
      ]}
      labels={{
        title: t("title"),
        description: t("description"),
        totals: (totals) => t("totals", totals),
        dayColumn: t("dayColumn"),
        day: (day, counts) => t("day", { day, ...counts }),
      }}
    />
  );
}
