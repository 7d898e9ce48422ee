"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useAccountTimeZone } from "@/components/data-view/account-time";
import { FilterBar, FilterSelect } from "@/components/data-view/filter-bar";
import { useTRPC } from "@/lib/trpc/client";
import {
  CALLS_PERIODS,
  DIRECTIONS,
  defaultFilters,
  type CallsFilters as Filters,
  isDirty,
  RESULTS,
} from "./filters-state";

export function CallsFilters({ value, onChange }: { value: Filters; onChange: (next: Filters) => void }) {
  const t = useTranslations("calls");
  const timeZone = useAccountTimeZone();
  const trpc = useTRPC();
  const directory = useQuery(trpc.employees.list.queryOptions(undefined, { staleTime: 60_000 }));
  const employees = (directory.data?.employees ?? [])
    .filter((e): e is typeof e & { extension: string } => e.extension !== null)
    .sort((a, b) => a.extension.localeCompare(b.extension, "ru", { numeric: true }));

  return (
    <FilterBar
      value={value}
      onChange={onChange}
      periods={CALLS_PERIODS}
      periodLabel={t("filters.period")}
      periodName={(p) => t(`periods.${p}`)}
      dirty={isDirty(value)}
      onReset={() => onChange(defaultFilters(timeZone))}
      resetLabel={t("filters.reset")}
    >
      <FilterSelect
        value={value.direction}
        onChange={(direction) => onChange({ ...value, direction })}
        allLabel={t("filters.allDirections")}
        options={DIRECTIONS.map((d) => ({ value: d, label: t(`directions.${d}`) }))}
        label={t("filters.direction")}
        testId="filter-direction"
      />
      <FilterSelect
        value={value.extension}
        onChange={(extension) => onChange({ ...value, extension })}
        allLabel={t("filters.allEmployees")}
        options={employees.map((e) => ({
          value: e.extension,
          label: `${e.extension} · ${e.link?.userName ?? e.name}`,
        }))}
        label={t("filters.employee")}
        testId="filter-employee"
        className="min-w-52"
      />
      <FilterSelect
        value={value.result}
        onChange={(result) => onChange({ ...value, result })}
        allLabel={t("filters.allResults")}
        options={RESULTS.map((r) => ({ value: r, label: t(`results.${r}`) }))}
        label={t("filters.result")}
        testId="filter-result"
      />
    </FilterBar>
  );
}
