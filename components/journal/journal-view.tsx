"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Inbox, LoaderCircle } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { ActivityTable } from "./activity-table";
import { DetailSheet } from "./detail-sheet";
import { Filters, type JournalFilters, NO_FILTERS } from "./filters";

const PAGE_SIZE = 50;
export const REFRESH_MS = 5_000;

/** Журнал: filtered, cursor-paginated activity that refreshes itself; `?entry=<id>` opens an entry. */
export function JournalView() {
  const t = useTranslations("journal");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [filters, setFilters] = useState<JournalFilters>(NO_FILTERS);
  const openId = params.get("entry");
  const setOpenId = (id: string | null) =>
    router.replace(id ? `${pathname}?entry=${id}` : pathname, { scroll: false });

  const input = {
    statuses: filters.statuses.length > 0 ? filters.statuses : undefined,
    kind: filters.kind ?? undefined,
    from: filters.range.from,
    to: filters.range.to,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteQuery(
    trpc.activity.list.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      refetchInterval: REFRESH_MS,
      placeholderData: (previous) => previous,
    }),
  );
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = filters.statuses.length > 0 || filters.kind !== null || filters.period !== "all";

  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
      </div>
      <Filters value={filters} onChange={setFilters} />
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
          <div
            className="flex flex-col items-center gap-3 px-6 py-16 text-center"
            data-testid="journal-empty"
          >
            <Inbox className="size-8 text-muted-foreground" />
            <p className="max-w-md text-sm text-muted-foreground">
              {filtered ? t("emptyFiltered") : t("empty")}
            </p>
          </div>
        ) : (
          <ActivityTable rows={rows} onOpen={setOpenId} />
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
      <DetailSheet id={openId} onOpen={setOpenId} onClose={() => setOpenId(null)} />
    </div>
  );
}
