"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { LoaderCircle, PhoneOff } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { CallsFilters } from "./calls-filters";
import { CallsTable } from "./calls-table";
import { DailyChart } from "./daily-chart";
import { defaultFilters, type CallsFilters as Filters, isDirty, queryInputOf } from "./filters-state";

const PAGE_SIZE = 50;
const REFRESH_MS = 10_000;

/** Звонки: the tenant's calls with filters, cursor pages and a daily chart of answered / missed calls. */
export function CallsView() {
  const t = useTranslations("calls");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>(() => defaultFilters());
  const input = queryInputOf(filters);

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
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
      </div>
      <CallsFilters value={filters} onChange={setFilters} />
      <Card className="px-6 py-4">
        {daily.data ? (
          <>
            <DailyChart days={daily.data} />
            {daily.data.every((d) => d.answered + d.missed === 0) ? (
              <p className="text-center text-sm text-muted-foreground">{t("chart.empty")}</p>
            ) : null}
          </>
        ) : daily.isError ? (
          <p role="alert" className="text-sm text-destructive">
            {errorText(daily.error)}
          </p>
        ) : (
          <Skeleton className="h-48 w-full" />
        )}
      </Card>
      <Card className="gap-0 overflow-hidden py-0">
        {list.isPending ? (
          <div className="flex flex-col gap-2 p-4">
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} className="h-9 w-full" />
            ))}
          </div>
        ) : list.isError && rows.length === 0 ? (
          <p role="alert" className="p-6 text-sm text-destructive">
            {errorText(list.error)}
          </p>
        ) : rows.length === 0 ? (
          <div className="flex flex-col items-center gap-3 px-6 py-16 text-center" data-testid="calls-empty">
            <PhoneOff className="size-8 text-muted-foreground" />
            <p className="max-w-md text-sm text-muted-foreground">
              {isDirty(filters) ? t("emptyFiltered") : t("empty")}
            </p>
          </div>
        ) : (
          <CallsTable rows={rows} />
        )}
      </Card>
      {list.hasNextPage ? (
        <div className="flex justify-center">
          <Button
            variant="outline"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? <LoaderCircle className="animate-spin" /> : null}
            {t("loadMore")}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
