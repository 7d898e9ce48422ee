"use client";

import { useTranslations } from "next-intl";
import { DailyBars } from "@/components/data-view/daily-bars";

export type DayCounts = { day: string; answered: number; missed: number; notAnswered: number };

/** Answered, missed and not answered calls per day of the account's time zone (the shared daily bars with the Calls page's words). */
export function DailyChart({ days }: { days: DayCounts[] }) {
  const t = useTranslations("calls.chart");
  return (
    <DailyBars
      days={days}
      testId="calls-chart"
      series={[
        { key: "answered", label: t("answered"), bar: "fill-emerald-500", swatch: "bg-emerald-500" },
        { key: "missed", label: t("missed"), bar: "fill-red-500", swatch: "bg-red-500" },
        { key: "notAnswered", label: t("notAnswered"), bar: "fill-amber-400", swatch: "bg-amber-400" },
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
