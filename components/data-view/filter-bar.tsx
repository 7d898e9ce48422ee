"use client";

import { X } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { cn } from "@/lib/utils";
import { useAccountTimeZone } from "./account-time";
import { CustomRangeForm } from "./custom-range-form";
import { type Period, type Range, rangeOf } from "./period";

const ALL = "__all";

/** A filter select whose first item means "no filter" (null). */
export function FilterSelect<V extends string>({
  value,
  onChange,
  allLabel,
  options,
  label,
  testId,
  className = "min-w-40",
}: {
  value: V | null;
  onChange: (next: V | null) => void;
  allLabel: string;
  options: readonly { value: V; label: string }[];
  label: string;
  testId: string;
  className?: string;
}) {
  return (
    <Select value={value ?? ALL} onValueChange={(v) => onChange(v === ALL ? null : (v as V))}>
      <SelectTrigger className={className} aria-label={label} data-testid={testId}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={ALL}>{allLabel}</SelectItem>
        {options.map((o) => (
          <SelectItem key={o.value} value={o.value}>
            {o.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

/** What the filter bar needs of a page's filters: the period and its date range. */
export type PeriodFilter<P extends Period> = { period: P; range: Range };

/**
 * The row of filters of a log page (Журнал, Звонки, SMS): the page's own filters, then the period select
 * and "Сбросить" while anything is set; the custom range form under the row when the period is "custom".
 */
export function FilterBar<P extends Period, F extends PeriodFilter<P>>({
  value,
  onChange,
  periods,
  periodLabel,
  periodName,
  dirty,
  onReset,
  resetLabel,
  rowClassName = "items-center",
  children,
}: {
  value: F;
  onChange: (next: F) => void;
  periods: readonly P[];
  periodLabel: string;
  periodName: (period: P) => string;
  dirty: boolean;
  onReset: () => void;
  resetLabel: string;
  rowClassName?: string;
  children: ReactNode;
}) {
  const timeZone = useAccountTimeZone();
  return (
    <div className="flex flex-col gap-3">
      <div className={cn("flex flex-wrap gap-2", rowClassName)}>
        {children}
        <Select
          value={value.period}
          onValueChange={(v) => {
            const period = v as P;
            onChange({
              ...value,
              period,
              range: period === "custom" ? value.range : rangeOf(period, timeZone),
            });
          }}
        >
          <SelectTrigger className="min-w-36" aria-label={periodLabel} data-testid="filter-period">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {periods.map((p) => (
              <SelectItem key={p} value={p}>
                {periodName(p)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {dirty ? (
          <Button variant="ghost" onClick={onReset}>
            <X />
            {resetLabel}
          </Button>
        ) : null}
      </div>
      {value.period === "custom" ? (
        <CustomRangeForm range={value.range} onApply={(range) => onChange({ ...value, range })} />
      ) : null}
    </div>
  );
}
