"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, Funnel, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/client";
import { CustomRangeForm } from "./custom-range-form";
import { PERIODS, type Period, type Range, rangeOf } from "./period";
import { type ActivityStatus, STATUSES, useKindLabel } from "./status";

export type JournalFilters = {
  statuses: ActivityStatus[];
  kind: string | null;
  period: Period;
  range: Range;
};
export const NO_FILTERS: JournalFilters = { statuses: [], kind: null, period: "all", range: {} };
const ALL = "__all";

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
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
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

        <Select
          value={value.kind ?? ALL}
          onValueChange={(v) => onChange({ ...value, kind: v === ALL ? null : v })}
        >
          <SelectTrigger className="min-w-44" aria-label={t("kind")} data-testid="filter-kind">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("allKinds")}</SelectItem>
            {(kinds.data ?? []).map((kind) => (
              <SelectItem key={kind} value={kind}>
                {kindLabel(kind)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.period}
          onValueChange={(v) => {
            const period = v as Period;
            onChange({ ...value, period, range: period === "custom" ? value.range : rangeOf(period) });
          }}
        >
          <SelectTrigger className="min-w-36" aria-label={t("period")} data-testid="filter-period">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {PERIODS.map((p) => (
              <SelectItem key={p} value={p}>
                {tPeriod(p)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        {dirty ? (
          <Button variant="ghost" onClick={() => onChange(NO_FILTERS)}>
            <X />
            {t("reset")}
          </Button>
        ) : null}
      </div>
      {value.period === "custom" ? (
        <CustomRangeForm range={value.range} onApply={(range) => onChange({ ...value, range })} />
      ) : null}
    </div>
  );
}
