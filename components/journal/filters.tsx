"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, Funnel } from "lucide-react";
import { useTranslations } from "next-intl";
import { FilterBar, FilterSelect } from "@/components/data-view/filter-bar";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useTRPC } from "@/lib/trpc/client";
import { PERIODS, type Period, type Range } from "./period";
import { type ActivityStatus, STATUSES, useKindLabel } from "./status";

export type JournalFilters = {
  statuses: ActivityStatus[];
  kind: string | null;
  period: Period;
  range: Range;
};
export const NO_FILTERS: JournalFilters = { statuses: [], kind: null, period: "all", range: {} };

export function Filters({
  value,
  onChange,
}: {
  value: JournalFilters;
  onChange: (next: JournalFilters) => void;
}) {
  const t = useTranslations("journal.filters");
  const tStatus = useTranslations("journal.statuses");
  const tPeriod = useTranslations("journal.periods");
  const kindLabel = useKindLabel();
  const trpc = useTRPC();
  const kinds = useQuery(trpc.activity.kinds.queryOptions(undefined, { staleTime: 60_000 }));
  const dirty = value.statuses.length > 0 || value.kind !== null || value.period !== "all";

  const toggleStatus = (status: ActivityStatus, on: boolean) =>
    onChange({
      ...value,
      statuses: on
        ? STATUSES.filter((s) => s === status || value.statuses.includes(s))
        : value.statuses.filter((s) => s !== status),
    });

  return (
    <FilterBar
      value={value}
      onChange={onChange}
      periods={PERIODS}
      periodLabel={t("period")}
      periodName={(p) => tPeriod(p)}
      dirty={dirty}
      onReset={() => onChange(NO_FILTERS)}
      resetLabel={t("reset")}
    >
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline" data-testid="filter-status" aria-label={t("status")}>
            <Funnel className="text-muted-foreground" />
            {value.statuses.length === 0
              ? t("allStatuses")
              : value.statuses.length === 1
                ? tStatus(value.statuses[0]!)
                : t("statusesSelected", { count: value.statuses.length })}
            <ChevronDown className="opacity-50" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-52">
          {STATUSES.map((status) => (
            <DropdownMenuCheckboxItem
              key={status}
              checked={value.statuses.includes(status)}
              onSelect={(e) => e.preventDefault()}
              onCheckedChange={(on) => toggleStatus(status, on === true)}
            >
              {tStatus(status)}
            </DropdownMenuCheckboxItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>

      <FilterSelect
        value={value.kind}
        onChange={(kind) => onChange({ ...value, kind })}
        allLabel={t("allKinds")}
        options={(kinds.data ?? []).map((kind) => ({ value: kind, label: kindLabel(kind) }))}
        label={t("kind")}
        testId="filter-kind"
        className="min-w-44"
      />
    </FilterBar>
  );
}
