"use client";

import { useMutation } from "@tanstack/react-query";
import { ExternalLink, PhoneForwarded, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useAccountDateTime } from "@/components/data-view/account-time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { type Item, type Queue, useInvalidate } from "./queue-data";

/** Items a few seconds apart (60 / rate): the estimate shows seconds. */
const ESTIMATE = { dateStyle: "short", timeStyle: "medium" } as const;

/** Queued items (place, estimate or why none; «Позвонить сейчас», «Убрать») or the finished ones. */
export function ItemsTable({
  items,
  waiting,
  finished = false,
  onError,
}: {
  items: Item[];
  waiting: Queue["waiting"];
  finished?: boolean;
  onError: (text: string | null) => void;
}) {
  const t = useTranslations("callbacks");
  const dateTime = useAccountDateTime();
  const trpc = useTRPC();
  const errorText = useErrorText();
  const invalidate = useInvalidate();
  const remove = useMutation(trpc.callbacks.remove.mutationOptions());
  const callNow = useMutation(trpc.callbacks.callNow.mutationOptions());
  const act = async (run: () => Promise<unknown>) => {
    onError(null);
    try {
      await run();
    } catch (err) {
      onError(errorText(err));
    }
    await invalidate();
  };
  const target = (i: Item) =>
    i.targetType === "responsible"
      ? t("target.responsible", { name: i.targetName ?? i.targetExtension })
      : i.targetType === "group"
        ? t("target.group", { name: i.targetName ?? i.targetExtension })
        : t("target.employee", { name: i.targetName ?? i.targetExtension });
  return (
    <div className="overflow-x-auto">
      <Table>
        <TableHeader>
          <TableRow>
            {finished ? null : <TableHead className="w-12">{t("columns.position")}</TableHead>}
            <TableHead>{t("columns.deal")}</TableHead>
            <TableHead>{t("columns.rule")}</TableHead>
            <TableHead>{t("columns.target")}</TableHead>
            <TableHead>{t("columns.phone")}</TableHead>
            <TableHead>{t("columns.state")}</TableHead>
            <TableHead>{finished ? t("columns.finishedAt") : t("columns.estimatedAt")}</TableHead>
            {finished ? null : <TableHead className="text-right">{t("columns.actions")}</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((i) => (
            <TableRow key={i.id} data-testid={`callback-item-${i.leadId}`}>
              {finished ? null : <TableCell className="tabular-nums">{i.position ?? "—"}</TableCell>}
              <TableCell className="whitespace-nowrap">
                <a
                  href={i.leadUrl}
                  target="_blank"
                  rel="noreferrer"
                  className="inline-flex items-center gap-1 text-primary hover:underline"
                >
                  {i.leadName || t("deal", { id: i.leadId })}
                  <ExternalLink className="size-3" />
                </a>
              </TableCell>
              <TableCell>
                {i.ruleName || "—"}
                {i.rulePaused && !finished ? (
                  <Badge variant="outline" className="ml-2">
                    {t("rules.paused")}
                  </Badge>
                ) : null}
              </TableCell>
              <TableCell>
                {target(i)}
                {i.lineNumber ? (
                  <div className="text-xs text-muted-foreground">{t("line", { line: i.lineNumber })}</div>
                ) : null}
              </TableCell>
              <TableCell className="tabular-nums">{i.phone}</TableCell>
              <TableCell>
                <Badge variant={i.state === "failed" || i.state === "expired" ? "destructive" : "secondary"}>
                  {t(`states.${i.state}`)}
                </Badge>
                {i.callNowAt && i.state === "queued" ? (
                  <div className="text-xs text-muted-foreground">{t("callNowSet")}</div>
                ) : null}
                {finished && i.reason ? (
                  <div className="text-xs text-muted-foreground">{i.reason}</div>
                ) : null}
              </TableCell>
              <TableCell className="whitespace-nowrap" data-testid="callback-estimate">
                {finished
                  ? i.finishedAt
                    ? dateTime(i.finishedAt)
                    : "—"
                  : i.rulePaused
                    ? t("estimate.rulePaused")
                    : waiting
                      ? t(`estimate.${waiting}`)
                      : i.estimatedAt
                        ? dateTime(i.estimatedAt, ESTIMATE)
                        : "—"}
              </TableCell>
              {finished ? null : (
                <TableCell className="text-right">
                  <div className="flex flex-col items-end gap-1">
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={callNow.isPending}
                      onClick={() => act(() => callNow.mutateAsync({ id: i.id }))}
                    >
                      <PhoneForwarded />
                      {t("actions.callNow")}
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      disabled={remove.isPending}
                      onClick={() => act(() => remove.mutateAsync({ id: i.id }))}
                    >
                      <X />
                      {t("actions.remove")}
                    </Button>
                  </div>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
