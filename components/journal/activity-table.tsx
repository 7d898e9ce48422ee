"use client";

import { useTranslations } from "next-intl";
import { useAccountDateTime } from "@/components/data-view/account-time";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { type ActivityStatus, StatusBadge, useKindLabel } from "./status";

export type ActivityRow = {
  id: string;
  kind: string;
  subject: string | null;
  status: ActivityStatus;
  reason: string | null;
  attempts: number;
  nextRetryAt: Date | null;
  createdAt: Date;
};

export const DATE_TIME = { dateStyle: "short", timeStyle: "medium" } as const;

export function ActivityTable({ rows, onOpen }: { rows: ActivityRow[]; onOpen: (id: string) => void }) {
  const t = useTranslations("journal.columns");
  const dateTime = useAccountDateTime();
  const kindLabel = useKindLabel();
  return (
    <Table data-testid="journal-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="hidden pl-4 sm:table-cell">{t("time")}</TableHead>
          <TableHead className="pl-4 sm:pl-2">{t("kind")}</TableHead>
          <TableHead>{t("status")}</TableHead>
          <TableHead className="hidden md:table-cell">{t("reason")}</TableHead>
          <TableHead className="hidden text-right lg:table-cell">{t("attempts")}</TableHead>
          <TableHead className="hidden pr-4 lg:table-cell">{t("nextRetry")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow
            key={row.id}
            data-testid="journal-row"
            data-id={row.id}
            data-status={row.status}
            tabIndex={0}
            className="cursor-pointer"
            onClick={() => onOpen(row.id)}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                onOpen(row.id);
              }
            }}
          >
            <TableCell className="hidden pl-4 whitespace-nowrap tabular-nums text-muted-foreground sm:table-cell">
              {dateTime(row.createdAt, DATE_TIME)}
            </TableCell>
            <TableCell className="pl-4 sm:pl-2">
              <span className="block text-xs tabular-nums text-muted-foreground sm:hidden">
                {dateTime(row.createdAt, DATE_TIME)}
              </span>
              <span className="block font-medium whitespace-nowrap" title={row.kind}>
                {kindLabel(row.kind)}
              </span>
              {row.subject ? (
                <span className="block max-w-52 truncate text-xs text-muted-foreground" title={row.subject}>
                  {row.subject}
                </span>
              ) : null}
            </TableCell>
            <TableCell className="pr-4 md:pr-2">
              <StatusBadge status={row.status} />
            </TableCell>
            <TableCell className="hidden w-full text-muted-foreground md:table-cell">
              <span className="block max-w-64 truncate" title={row.reason ?? undefined}>
                {row.reason ?? "—"}
              </span>
            </TableCell>
            <TableCell className="hidden text-right tabular-nums lg:table-cell">{row.attempts}</TableCell>
            <TableCell className="hidden pr-4 whitespace-nowrap lg:table-cell tabular-nums text-muted-foreground">
              {row.nextRetryAt ? dateTime(row.nextRetryAt, DATE_TIME) : "—"}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
