"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { LogPage } from "@/components/data-view/log-page";
import { PagedList } from "@/components/data-view/paged-list";
import { useTRPC } from "@/lib/trpc/client";
import { ActivityTable } from "./activity-table";
import { DetailSheet } from "./detail-sheet";
import { Filters, type JournalFilters, NO_FILTERS } from "./filters";

const PAGE_SIZE = 50;
export const REFRESH_MS = 5_000;

/** Журнал: filtered, cursor-paginated activity that refreshes itself; `?entry=<id>` opens an entry. */
export function JournalView() {
  const t = useTranslations("journal");
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
    <LogPage title={t("title")} description={t("description")}>
      <Filters value={filters} onChange={setFilters} />
      <PagedList
        query={list}
        rowCount={rows.length}
        empty={{ icon: Inbox, text: filtered ? t("emptyFiltered") : t("empty"), testId: "journal-empty" }}
        loadMoreLabel={t("loadMore")}
      >
        <ActivityTable rows={rows} onOpen={setOpenId} />
      </PagedList>
      <DetailSheet id={openId} onOpen={setOpenId} onClose={() => setOpenId(null)} />
    </LogPage>
  );
}
