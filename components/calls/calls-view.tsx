"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { PhoneOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useAccountTimeZone } from "@/components/data-view/account-time";
import { ChartCard } from "@/components/data-view/chart-card";
import { LogPage } from "@/components/data-view/log-page";
import { PagedList } from "@/components/data-view/paged-list";
import { useTRPC } from "@/lib/trpc/client";
import { CallsFilters } from "./calls-filters";
import { CallsTable } from "./calls-table";
import { DailyChart } from "./daily-chart";
import { defaultFilters, type CallsFilters as Filters, isDirty, queryInputOf } from "./filters-state";
import { UnattributedCalls } from "./unattributed-calls";

const PAGE_SIZE = 50;
const REFRESH_MS = 10_000;

/** Звонки: the tenant's calls with filters, cursor pages and a daily chart of answered / missed calls. */
export function CallsView() {
  const t = useTranslations("calls");
  const timeZone = useAccountTimeZone();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>(() => defaultFilters(timeZone));
  const input = queryInputOf(filters, timeZone);

  const list = useInfiniteQuery(
    trpc.calls.list.infiniteQueryOptions(
      { ...input, limit: PAGE_SIZE },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: REFRESH_MS,
        placeholderData: (previous) => previous,
      },
    ),
  );
  const daily = useQuery(
    trpc.calls.daily.queryOptions(input, {
      refetchInterval: REFRESH_MS,
      placeholderData: (previous) => previous,
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <LogPage title={t("title")} description={t("description")}>
      <UnattributedCalls />
      <CallsFilters value={filters} onChange={setFilters} />
      <ChartCard
        query={daily}
        isEmpty={(days) => days.every((d) => d.answered + d.missed + d.notAnswered === 0)}
        emptyText={t("chart.empty")}
      >
        {(days) => <DailyChart days={days} />}
      </ChartCard>
      <PagedList
        query={list}
        rowCount={rows.length}
        empty={{
          icon: PhoneOff,
          text: isDirty(filters) ? t("emptyFiltered") : t("empty"),
          testId: "calls-empty",
        }}
        loadMoreLabel={t("loadMore")}
      >
        <CallsTable rows={rows} />
      </PagedList>
    </LogPage>
  );
}
