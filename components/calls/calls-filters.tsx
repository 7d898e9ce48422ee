"use client";

import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { CustomRangeForm } from "@/components/journal/custom-range-form";
import { rangeOf } from "@/components/journal/period";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/client";
import {
  CALLS_PERIODS,
  type CallsPeriod,
  DIRECTIONS,
  defaultFilters,
  type CallsFilters as Filters,
  isDirty,
  RESULTS,
} from "./filters-state";

const ALL = "__all";

export function CallsFilters({ value, onChange }: { value: Filters; onChange: (next: Filters) => void }) {
  const t = useTranslations("calls");
  const trpc = useTRPC();
  const directory = useQuery(trpc.employees.list.queryOptions(undefined, { staleTime: 60_000 }));
  const employees = (directory.data?.employees ?? [])
    .filter((e): e is typeof e & { extension: string } => e.extension !== null)
    .sort((a, b) => a.extension.localeCompare(b.extension, "ru", { numeric: true }));

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <Select
          value={value.direction ?? ALL}
          onValueChange={(v) =>
            onChange({ ...value, direction: v === ALL ? null : (v as Filters["direction"]) })
          }
        >
          <SelectTrigger
            className="min-w-40"
            aria-label={t("filters.direction")}
            data-testid="filter-direction"
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allDirections")}</SelectItem>
            {DIRECTIONS.map((d) => (
              <SelectItem key={d} value={d}>
                {t(`directions.${d}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.extension ?? ALL}
          onValueChange={(v) => onChange({ ...value, extension: v === ALL ? null : v })}
        >
          <SelectTrigger
            className="min-w-52"
            aria-label={t("filters.employee")}
            data-testid="filter-employee"
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allEmployees")}</SelectItem>
            {employees.map((e) => (
              <SelectItem key={e.id} value={e.extension}>
                {e.extension} · {e.link?.userName ?? e.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.result ?? ALL}
          onValueChange={(v) => onChange({ ...value, result: v === ALL ? null : (v as Filters["result"]) })}
        >
          <SelectTrigger className="min-w-40" aria-label={t("filters.result")} data-testid="filter-result">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allResults")}</SelectItem>
            {RESULTS.map((r) => (
              <SelectItem key={r} value={r}>
                {t(`results.${r}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.period}
          onValueChange={(v) => {
            const period = v as CallsPeriod;
            onChange({ ...value, period, range: period === "custom" ? value.range : rangeOf(period) });
          }}
        >
          <SelectTrigger className="min-w-36" aria-label={t("filters.period")} data-testid="filter-period">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {CALLS_PERIODS.map((p) => (
              <SelectItem key={p} value={p}>
                {t(`periods.${p}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        {isDirty(value) ? (
          <Button variant="ghost" onClick={() => onChange(defaultFilters())}>
            <X />
            {t("filters.reset")}
          </Button>
        ) : null}
      </div>
      {value.period === "custom" ? (
        <CustomRangeForm range={value.range} onApply={(range) => onChange({ ...value, range })} />
      ) : null}
    </div>
  );
}
