"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { MessageSquareOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useAccountTimeZone } from "@/components/data-view/account-time";
import { ChartCard } from "@/components/data-view/chart-card";
import { LogPage } from "@/components/data-view/log-page";
import { PagedList } from "@/components/data-view/paged-list";
import { useTRPC } from "@/lib/trpc/client";
import { defaultFilters, type SmsFilters as Filters, isDirty, queryInputOf } from "./filters-state";
import { SmsChart } from "./sms-chart";
import { SmsFilters } from "./sms-filters";
import { SmsTable } from "./sms-table";

const PAGE_SIZE = 50;
const REFRESH_MS = 10_000;

/** SMS: what the tenant's rules sent, with filters, cursor pages and a daily chart of sent / delivered / failed. */
export function SmsHistoryView() {
  const t = useTranslations("sms");
  const timeZone = useAccountTimeZone();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>(() => defaultFilters(timeZone));
  const input = queryInputOf(filters, timeZone);

  const list = useInfiniteQuery(
    trpc.sms.list.infiniteQueryOptions(
      { ...input, limit: PAGE_SIZE },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: REFRESH_MS,
        placeholderData: (previous) => previous,
      },
    ),
  );
  const daily = useQuery(
    trpc.sms.daily.queryOptions(input, {
      refetchInterval: REFRESH_MS,
      placeholderData: (previous) => previous,
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <LogPage title={t("title")} description={t("description")}>
      <SmsFilters value={filters} onChange={setFilters} />
      <ChartCard
        query={daily}
        isEmpty={(days) => days.every((d) => d.sent + d.failed === 0)}
        emptyText={t("chart.empty")}
      >
        {(days) => <SmsChart days={days} />}
      </ChartCard>
      <PagedList
        query={list}
        rowCount={rows.length}
        empty={{
          icon: MessageSquareOff,
          text: isDirty(filters) ? t("emptyFiltered") : t("empty"),
          testId: "sms-empty",
        }}
        loadMoreLabel={t("loadMore")}
      >
        <SmsTable rows={rows} />
      </PagedList>
    </LogPage>
  );
}
