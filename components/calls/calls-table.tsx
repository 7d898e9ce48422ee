"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { ExternalLink, Phone, PhoneIncoming, PhoneOutgoing, ScrollText } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import type { AppRouter } from "@/server/trpc/router";
import { CallTopicsLine } from "./call-topics";
import { formatDuration } from "./filters-state";

/** One call as `calls.list` answers it (the client's phone already masked by the server). */
export type CallRow = inferRouterOutputs<AppRouter>["calls"]["list"]["items"][number];

const TIME = { dateStyle: "short", timeStyle: "short" } as const;
const ICONS = { incoming: PhoneIncoming, outgoing: PhoneOutgoing, unknown: Phone };
const RESULT_TONE = {
  answered: "border-emerald-200 bg-emerald-50 text-emerald-800",
  missed: "border-red-200 bg-red-50 text-red-700",
  notAnswered: "border-amber-200 bg-amber-50 text-amber-800",
  inProgress: "border-sky-200 bg-sky-50 text-sky-800",
};

export function CallsTable({ rows }: { rows: CallRow[] }) {
  const t = useTranslations("calls");
  const tStatus = useTranslations("journal.statuses");
  const format = useFormatter();
  return (
    <Table data-testid="calls-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="pl-4">{t("columns.time")}</TableHead>
          <TableHead>{t("columns.client")}</TableHead>
          <TableHead className="hidden md:table-cell">{t("columns.employee")}</TableHead>
          <TableHead className="hidden text-right sm:table-cell">{t("columns.duration")}</TableHead>
          <TableHead>{t("columns.result")}</TableHead>
          <TableHead className="pr-4">{t("columns.links")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => {
          const Icon = ICONS[row.direction];
          const result = row.finished ? row.result : "inProgress";
          return (
            <TableRow
              key={row.id}
              data-testid="call-row"
              data-id={row.id}
              data-direction={row.direction}
              data-result={result}
            >
              <TableCell className="pl-4 whitespace-nowrap tabular-nums text-muted-foreground">
                {format.dateTime(row.at, TIME)}
              </TableCell>
              <TableCell className="whitespace-nowrap">
                <span className="flex items-center gap-2">
                  <span title={t(`direction.${row.direction}`)} className="inline-flex">
                    <Icon
                      aria-hidden
                      className={cn(
                        "size-4 shrink-0",
                        row.direction === "incoming" ? "text-sky-600" : "text-violet-600",
                      )}
                    />
                    <span className="sr-only">{t(`direction.${row.direction}`)}</span>
                  </span>
                  <span className="font-medium tabular-nums" data-testid="call-client">
                    {row.clientPhone ?? t("noNumber")}
                  </span>
                </span>
              </TableCell>
              <TableCell className="hidden md:table-cell">
                <span className="block font-medium" data-testid="call-employee">
                  {row.employeeName ??
                    (row.extension ? t("extension", { extension: row.extension }) : t("noEmployee"))}
                </span>
                {row.extension && (row.employeeName || row.amoUserName) ? (
                  <span className="block text-xs text-muted-foreground">
                    {[t("extension", { extension: row.extension }), row.amoUserName]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                ) : null}
              </TableCell>
              <TableCell className="hidden text-right tabular-nums sm:table-cell">
                {formatDuration(row.talkSeconds)}
              </TableCell>
              <TableCell>
                <Badge variant="outline" className={RESULT_TONE[result]} data-testid="call-result">
                  {t(`result.${result}`)}
                </Badge>
                {row.topics ? <CallTopicsLine topics={row.topics} /> : null}
              </TableCell>
              <TableCell className="pr-4">
                <span className="flex flex-wrap items-center gap-3 text-sm">
                  {row.contactUrl ? (
                    <a
                      href={row.contactUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                      title={t("contactHint")}
                      className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
                      data-testid="call-contact"
                    >
                      <ExternalLink className="size-3.5" />
                      {t("contact")}
                    </a>
                  ) : null}
                  {row.logEntry ? (
                    <Link
                      href={`/journal?entry=${row.logEntry.id}`}
                      title={t("journalHint", { status: tStatus(row.logEntry.status) })}
                      className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
                      data-testid="call-journal"
                    >
                      <ScrollText className="size-3.5" />
                      {t("journal")}
                    </Link>
                  ) : (
                    <span className="text-xs text-muted-foreground" title={t("notLoggedHint")}>
                      {t("notLogged")}
                    </span>
                  )}
                </span>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
