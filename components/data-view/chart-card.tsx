"use client";

import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useErrorText } from "@/lib/trpc/errors";

/** A chart in a card (the Calls and SMS pages): skeleton until the first answer, the error, else the chart. */
export function ChartCard<T>({
  query,
  isEmpty,
  emptyText,
  children,
}: {
  query: { data: T | undefined; isError: boolean; error: unknown };
  isEmpty: (data: T) => boolean;
  emptyText: string;
  children: (data: T) => ReactNode;
}) {
  const errorText = useErrorText();
  return (
    <Card className="px-6 py-4">
      {query.data !== undefined ? (
        <>
          {children(query.data)}
          {isEmpty(query.data) ? (
            <p className="text-center text-sm text-muted-foreground">{emptyText}</p>
          ) : null}
        </>
      ) : query.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(query.error)}
        </p>
      ) : (
        <Skeleton className="h-48 w-full" />
      )}
    </Card>
  );
}
