"use client";

import { useQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { useAccountTimeZone } from "@/components/data-view/account-time";
import { FilterBar, FilterSelect } from "@/components/data-view/filter-bar";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc/client";
import {
  cleanSearch,
  defaultFilters,
  type SmsFilters as Filters,
  isDirty,
  MIN_SEARCH_DIGITS,
  SMS_PERIODS,
  STATUSES,
  searchDigits,
} from "./filters-state";

/** The search box applies what was typed once typing pauses, not on every key. */
const SEARCH_DELAY_MS = 350;

export function SmsFilters({ value, onChange }: { value: Filters; onChange: (next: Filters) => void }) {
  const t = useTranslations("sms");
  const timeZone = useAccountTimeZone();
  const trpc = useTRPC();
  const hintId = useId();
  const rules = useQuery(trpc.rules.list.queryOptions({}, { staleTime: 60_000 }));
  const smsRules = (rules.data?.rules ?? []).filter((r) => r.actions.some((a) => a.kind === "sms"));
  const [typed, setTyped] = useState(value.search);

  // A reset from outside (the "Сбросить" button) clears the box too.
  useEffect(() => setTyped(value.search), [value.search]);
  useEffect(() => {
    if (typed === value.search) return;
    const timer = setTimeout(() => onChange({ ...value, search: typed }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, value, onChange]);
  const tooShort = searchDigits(typed).length > 0 && searchDigits(typed).length < MIN_SEARCH_DIGITS;

  return (
    <FilterBar
      value={value}
      onChange={onChange}
      periods={SMS_PERIODS}
      periodLabel={t("filters.period")}
      periodName={(p) => t(`periods.${p}`)}
      dirty={isDirty(value)}
      onReset={() => onChange(defaultFilters(timeZone))}
      resetLabel={t("filters.reset")}
      rowClassName="items-start"
    >
      <div className="flex flex-col gap-1">
        <div className="relative">
          <Search className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" />
          <Input
            type="search"
            inputMode="tel"
            className="w-72 pl-8"
            value={typed}
            onChange={(e) => setTyped(cleanSearch(e.target.value))}
            placeholder={t("filters.searchPlaceholder")}
            aria-label={t("filters.search")}
            aria-describedby={tooShort ? hintId : undefined}
            data-testid="filter-search"
          />
        </div>
        {tooShort ? (
          <p id={hintId} className="text-xs text-muted-foreground">
            {t("filters.searchHint")}
          </p>
        ) : null}
      </div>

      <FilterSelect
        value={value.status}
        onChange={(status) => onChange({ ...value, status })}
        allLabel={t("filters.allStatuses")}
        options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
        label={t("filters.status")}
        testId="filter-status"
      />
      <FilterSelect
        value={value.ruleId}
        onChange={(ruleId) => onChange({ ...value, ruleId })}
        allLabel={t("filters.allRules")}
        options={smsRules.map((r) => ({ value: r.id, label: r.name || t("ruleUnnamed") }))}
        label={t("filters.rule")}
        testId="filter-rule"
        className="min-w-52"
      />
    </FilterBar>
  );
}
