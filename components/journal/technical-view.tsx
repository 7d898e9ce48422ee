"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { PagedList } from "@/components/data-view/paged-list";
import { useTRPC } from "@/lib/trpc/client";
import { ActivityTable } from "./activity-table";
import { Filters, type JournalFilters, NO_FILTERS } from "./filters";

const PAGE_SIZE = 50;
const REFRESH_MS = 5_000;

/** «Технический журнал»: every webhook entry and job run as recorded, for support. */
export function TechnicalView({ onOpen }: { onOpen: (id: string) => void }) {
  const t = useTranslations("journal");
  const trpc = useTRPC();
  const [filters, setFilters] = useState<JournalFilters>(NO_FILTERS);
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
    <>
      <Filters value={filters} onChange={setFilters} />
      <PagedList
        query={list}
        rowCount={rows.length}
        empty={{ icon: Inbox, text: filtered ? t("emptyFiltered") : t("empty"), testId: "journal-empty" }}
        loadMoreLabel={t("loadMore")}
      >
        <ActivityTable rows={rows} onOpen={onOpen} />
      </PagedList>
    </>
  );
}
