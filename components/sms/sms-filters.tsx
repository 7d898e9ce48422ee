"use client";

import { useQuery } from "@tanstack/react-query";
import { Search, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { CustomRangeForm } from "@/components/journal/custom-range-form";
import { rangeOf } from "@/components/journal/period";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/client";
import {
  cleanSearch,
  defaultFilters,
  type SmsFilters as Filters,
  isDirty,
  MIN_SEARCH_DIGITS,
  SMS_PERIODS,
  type SmsPeriod,
  STATUSES,
  searchDigits,
} from "./filters-state";

const ALL = "__all";
/** The search box applies what was typed once typing pauses, not on every key. */
const SEARCH_DELAY_MS = 350;

export function SmsFilters({ value, onChange }: { value: Filters; onChange: (next: Filters) => void }) {
  const t = useTranslations("sms");
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
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-start gap-2">
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

        <Select
          value={value.status ?? ALL}
          onValueChange={(v) => onChange({ ...value, status: v === ALL ? null : (v as Filters["status"]) })}
        >
          <SelectTrigger className="min-w-40" aria-label={t("filters.status")} data-testid="filter-status">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allStatuses")}</SelectItem>
            {STATUSES.map((s) => (
              <SelectItem key={s} value={s}>
                {t(`statuses.${s}`)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.ruleId ?? ALL}
          onValueChange={(v) => onChange({ ...value, ruleId: v === ALL ? null : v })}
        >
          <SelectTrigger className="min-w-52" aria-label={t("filters.rule")} data-testid="filter-rule">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>{t("filters.allRules")}</SelectItem>
            {smsRules.map((r) => (
              <SelectItem key={r.id} value={r.id}>
                {r.name || t("ruleUnnamed")}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>

        <Select
          value={value.period}
          onValueChange={(v) => {
            const period = v as SmsPeriod;
            onChange({ ...value, period, range: period === "custom" ? value.range : rangeOf(period) });
          }}
        >
          <SelectTrigger className="min-w-36" aria-label={t("filters.period")} data-testid="filter-period">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {SMS_PERIODS.map((p) => (
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
