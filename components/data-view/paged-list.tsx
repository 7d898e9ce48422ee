"use client";

import { LoaderCircle, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useErrorText } from "@/lib/trpc/errors";

/** What the list needs of a react-query infinite query. */
export type PagedQuery = {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

/**
 * A cursor-paged list in a card (Журнал, Звонки, SMS): skeleton while the first page loads, the error,
 * an empty state, else the table; "load more" under it while the server has more.
 */
export function PagedList({
  query,
  rowCount,
  empty,
  loadMoreLabel,
  children,
}: {
  query: PagedQuery;
  rowCount: number;
  empty: { icon: LucideIcon; text: string; testId: string };
  loadMoreLabel: string;
  children: ReactNode;
}) {
  const errorText = useErrorText();
  const EmptyIcon = empty.icon;
  return (
    <>
      <Card className="gap-0 overflow-hidden py-0">
        {query.isPending ? (
          <div className="flex flex-col gap-2 p-4">
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} className="h-9 w-full" />
            ))}
          </div>
        ) : query.isError && rowCount === 0 ? (
          <p role="alert" className="p-6 text-sm text-destructive">
            {errorText(query.error)}
          </p>
        ) : rowCount === 0 ? (
          <div className="flex flex-col items-center gap-3 px-6 py-16 text-center" data-testid={empty.testId}>
            <EmptyIcon className="size-8 text-muted-foreground" />
            <p className="max-w-md text-sm text-muted-foreground">{empty.text}</p>
          </div>
        ) : (
          children
        )}
      </Card>
      {query.hasNextPage ? (
        <div className="flex justify-center">
          <Button
            variant="outline"
            disabled={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage()}
          >
            {query.isFetchingNextPage ? <LoaderCircle className="animate-spin" /> : null}
            {loadMoreLabel}
          </Button>
        </div>
      ) : null}
    </>
  );
}
