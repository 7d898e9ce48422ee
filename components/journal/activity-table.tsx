"use client";

import { useFormatter, useTranslations } from "next-intl";
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
  const format = useFormatter();
  const kindLabel = useKindLabel();
  return (
    <Table data-testid="journal-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="pl-4">{t("time")}</TableHead>
          <TableHead>{t("kind")}</TableHead>
          <TableHead>{t("subject")}</TableHead>
          <TableHead>{t("status")}</TableHead>
          <TableHead>{t("reason")}</TableHead>
          <TableHead className="text-right">{t("attempts")}</TableHead>
          <TableHead className="pr-4">{t("nextRetry")}</TableHead>
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
            <TableCell className="pl-4 whitespace-nowrap tabular-nums text-muted-foreground">
              {format.dateTime(row.createdAt, DATE_TIME)}
            </TableCell>
            <TableCell className="font-medium">
              <span title={row.kind}>{kindLabel(row.kind)}</span>
            </TableCell>
            <TableCell className="max-w-48 truncate text-muted-foreground">{row.subject ?? "—"}</TableCell>
            <TableCell>
              <StatusBadge status={row.status} />
            </TableCell>
            <TableCell className="max-w-72 truncate text-muted-foreground" title={row.reason ?? undefined}>
              {row.reason ?? "—"}
            </TableCell>
            <TableCell className="text-right tabular-nums">{row.attempts}</TableCell>
            <TableCell className="pr-4 whitespace-nowrap tabular-nums text-muted-foreground">
              {row.nextRetryAt ? format.dateTime(row.nextRetryAt, DATE_TIME) : "—"}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
