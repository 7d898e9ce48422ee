"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { CircleCheck, Inbox } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { FilterBar } from "@/components/data-view/filter-bar";
import { PagedList } from "@/components/data-view/paged-list";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/client";
import { OutcomeRow } from "./outcome-row";
import { PERIODS, type Period, type Range } from "./period";

const PAGE_SIZE = 30;
const REFRESH_MS = 5_000;

type OwnerFilters = { problemsOnly: boolean; period: Period; range: Range };
const NO_FILTERS: OwnerFilters = { problemsOnly: false, period: "all", range: {} };

/** The owner's journal: one row per call, SMS, deal event or application, «Только проблемы», period. */
export function OutcomeList({ onOpen }: { onOpen: (id: string) => void }) {
  const t = useTranslations("journal");
  const tPeriod = useTranslations("journal.periods");
  const trpc = useTRPC();
  const [filters, setFilters] = useState<OwnerFilters>(NO_FILTERS);
  const list = useInfiniteQuery(
    trpc.activity.journal.infiniteQueryOptions(
      {
        problemsOnly: filters.problemsOnly,
        from: filters.range.from,
        to: filters.range.to,
        limit: PAGE_SIZE,
      },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: REFRESH_MS,
        placeholderData: (previous) => previous,
      },
    ),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const dirty = filters.problemsOnly || filters.period !== "all";
  return (
    <>
      <FilterBar
        value={filters}
        onChange={setFilters}
        periods={PERIODS}
        periodLabel={t("filters.period")}
        periodName={(p) => tPeriod(p)}
        dirty={dirty}
        onReset={() => setFilters(NO_FILTERS)}
        resetLabel={t("filters.reset")}
      >
        <div className="flex h-9 items-center gap-2 rounded-md border px-3">
          <Switch
            id="problems-only"
            data-testid="problems-only"
            checked={filters.problemsOnly}
            onCheckedChange={(on) => setFilters({ ...filters, problemsOnly: on === true })}
          />
          <Label htmlFor="problems-only">{t("problemsOnly")}</Label>
        </div>
      </FilterBar>
      <PagedList
        query={list}
        rowCount={rows.length}
        empty={
          filters.problemsOnly
            ? { icon: CircleCheck, text: t("emptyProblems"), testId: "journal-empty" }
            : { icon: Inbox, text: dirty ? t("emptyFiltered") : t("empty"), testId: "journal-empty" }
        }
        loadMoreLabel={t("loadMore")}
      >
        <ul data-testid="journal-outcomes">
          {rows.map((g) => (
            <OutcomeRow key={g.key} g={g} onOpen={onOpen} />
          ))}
        </ul>
      </PagedList>
    </>
  );
}
