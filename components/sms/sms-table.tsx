"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { ExternalLink, Workflow } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { AppRouter } from "@/server/trpc/router";
import type { SmsStatus } from "./filters-state";
import { SmsText } from "./sms-text";

/** One SMS as `sms.list` answers it (the phone already masked by the server: "+7 916 ***-**-67"). */
export type SmsRow = inferRouterOutputs<AppRouter>["sms"]["list"]["items"][number];

const DATE_TIME = { dateStyle: "short", timeStyle: "short" } as const;
const TIME = { timeStyle: "short" } as const;
const STATUS_TONE: Record<SmsStatus, string> = {
  queued: "border-sky-200 bg-sky-50 text-sky-800",
  sent: "border-blue-200 bg-blue-50 text-blue-800",
  delivered: "border-emerald-200 bg-emerald-50 text-emerald-800",
  failed: "border-red-200 bg-red-50 text-red-700",
  skipped: "border-zinc-200 bg-zinc-50 text-zinc-600",
};
const linkClass = "inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline";

export function SmsTable({ rows }: { rows: SmsRow[] }) {
  const t = useTranslations("sms");
  const format = useFormatter();
  /** Sent / delivered the same day as made: the time is enough; else the date too. */
  const later = (at: Date, made: Date) =>
    format.dateTime(
      at,
      format.dateTime(at, { dateStyle: "short" }) === format.dateTime(made, { dateStyle: "short" })
        ? TIME
        : DATE_TIME,
    );
  return (
    <Table data-testid="sms-table">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="pl-4">{t("columns.time")}</TableHead>
          <TableHead>{t("columns.recipient")}</TableHead>
          <TableHead className="hidden lg:table-cell">{t("columns.rule")}</TableHead>
          <TableHead className="hidden md:table-cell">{t("columns.deal")}</TableHead>
          <TableHead>{t("columns.status")}</TableHead>
          <TableHead className="pr-4">{t("columns.text")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id} data-testid="sms-row" data-id={row.id} data-status={row.status}>
            <TableCell className="pl-4 align-top whitespace-nowrap tabular-nums">
              <span className="block text-muted-foreground">{format.dateTime(row.createdAt, DATE_TIME)}</span>
              {row.sentAt ? (
                <span className="block text-xs text-muted-foreground" data-testid="sms-sent-at">
                  {t("sentAt", { time: later(row.sentAt, row.createdAt) })}
                </span>
              ) : null}
              {row.deliveredAt ? (
                <span className="block text-xs text-muted-foreground" data-testid="sms-delivered-at">
                  {t("deliveredAt", { time: later(row.deliveredAt, row.createdAt) })}
                </span>
              ) : null}
            </TableCell>
            <TableCell className="align-top whitespace-nowrap">
              <span className="block font-medium tabular-nums" data-testid="sms-phone">
                {row.phone}
              </span>
              <span className="block text-xs text-muted-foreground" data-testid="sms-roles">
                {row.roles.map((r) => t(`roles.${r}`)).join(", ")}
              </span>
            </TableCell>
            <TableCell className="hidden max-w-60 align-top lg:table-cell">
              {row.rule ? (
                <Link
                  href={`/rules?rule=${row.rule.id}`}
                  title={t("ruleHint")}
                  className={linkClass}
                  data-testid="sms-rule"
                >
                  <Workflow className="size-3.5 shrink-0" />
                  <span className="truncate">{row.rule.name || t("ruleUnnamed")}</span>
                </Link>
              ) : (
                <span className="text-xs text-muted-foreground">{t("ruleDeleted")}</span>
              )}
            </TableCell>
            <TableCell className="hidden align-top whitespace-nowrap md:table-cell">
              {row.leadId && row.leadUrl ? (
                <a
                  href={row.leadUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  title={t("dealHint")}
                  className={linkClass}
                  data-testid="sms-deal"
                >
                  <ExternalLink className="size-3.5" />
                  {t("deal", { id: row.leadId })}
                </a>
              ) : (
                <span className="text-muted-foreground">{t("noDeal")}</span>
              )}
            </TableCell>
            <TableCell className="max-w-56 align-top">
              <Badge variant="outline" className={STATUS_TONE[row.status]} data-testid="sms-status">
                {t(`statuses.${row.status}`)}
              </Badge>
              {row.reason ? (
                <span className="mt-1 block text-xs text-muted-foreground" data-testid="sms-reason">
                  {row.reason}
                </span>
              ) : null}
            </TableCell>
            <TableCell className="min-w-64 max-w-md pr-4 align-top">
              <SmsText text={row.text} />
              <span className="mt-1 block text-xs text-muted-foreground">
                {[
                  t("segments", { count: row.segments }),
                  row.senderName ? t("sender", { name: row.senderName }) : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
