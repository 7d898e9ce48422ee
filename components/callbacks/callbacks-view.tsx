"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ExternalLink, Pause, PhoneForwarded, PhoneOff, Play, X } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useAccountDateTime } from "@/components/data-view/account-time";
import { ChartCard } from "@/components/data-view/chart-card";
import { DailyBars } from "@/components/data-view/daily-bars";
import { LogPage } from "@/components/data-view/log-page";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import type { AppRouter } from "@/server/trpc/router";

type Queue = inferRouterOutputs<AppRouter>["callbacks"]["queue"];
type Item = Queue["queued"]["items"][number];

const REFRESH_MS = 10_000;
const DAY_MS = 86_400_000;
const QUEUED_PAGE = 50;
const FINISHED_PAGE = 20;
/** Items a few seconds apart (60 / rate): the estimate shows seconds. */
const ESTIMATE = { dateStyle: "short", timeStyle: "medium" } as const;

/**
 * «Очередь автоперезвонов»: what waits (place, estimated time or why none), per item «Позвонить сейчас» /
 * «Убрать из очереди», per rule «Приостановить» / «Возобновить», a daily chart, and what left the queue.
 */
export function CallbacksView() {
  const t = useTranslations("callbacks");
  const trpc = useTRPC();
  const [queuedLimit, setQueuedLimit] = useState(QUEUED_PAGE);
  const [finishedLimit, setFinishedLimit] = useState(FINISHED_PAGE);
  const [from] = useState(() => new Date(Date.now() - 13 * DAY_MS));
  const queue = useQuery(
    trpc.callbacks.queue.queryOptions(
      { queuedLimit, finishedLimit },
      { refetchInterval: REFRESH_MS, placeholderData: (previous) => previous },
    ),
  );
  const daily = useQuery(trpc.callbacks.daily.queryOptions({ from }, { refetchInterval: REFRESH_MS }));
  const errorText = useErrorText();
  const [actionError, setActionError] = useState<string | null>(null);

  return (
    <LogPage title={t("title")} description={t("description")}>
      {queue.data ? <Status queue={queue.data} /> : null}
      {actionError ? (
        <p role="alert" className="text-sm text-destructive" data-testid="callbacks-error">
          {actionError}
        </p>
      ) : null}
      {queue.data && queue.data.rules.length > 0 ? (
        <RulesCard rules={queue.data.rules} onError={setActionError} />
      ) : null}
      <ChartCard
        query={daily}
        isEmpty={(days) => days.every((d) => d.queued + d.succeeded + d.failed === 0)}
        emptyText={t("chart.empty")}
      >
        {(days) => (
          <DailyBars
            days={days}
            testId="callbacks-chart"
            series={[
              { key: "queued", label: t("chart.queued"), bar: "fill-sky-500", swatch: "bg-sky-500" },
              {
                key: "succeeded",
                label: t("chart.succeeded"),
                bar: "fill-emerald-500",
                swatch: "bg-emerald-500",
              },
              { key: "failed", label: t("chart.failed"), bar: "fill-red-500", swatch: "bg-red-500" },
            ]}
            labels={{
              title: t("chart.title"),
              description: t("chart.description"),
              totals: (totals) => t("chart.totals", totals),
              dayColumn: t("chart.dayColumn"),
              day: (day, counts) => t("chart.day", { day, ...counts }),
            }}
          />
        )}
      </ChartCard>
      {queue.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {errorText(queue.error)}
        </p>
      ) : !queue.data ? (
        <Skeleton className="h-48 w-full" />
      ) : (
        <>
          <Card className="gap-3 px-4 py-4" data-testid="callbacks-queued">
            <h2 className="text-base font-semibold">
              {t("queued.title", { count: queue.data.queued.total })}
            </h2>
            {queue.data.queued.items.length === 0 ? (
              <p
                className="flex items-center gap-2 text-sm text-muted-foreground"
                data-testid="callbacks-empty"
              >
                <PhoneOff className="size-4" />
                {t("queued.empty")}
              </p>
            ) : (
              <ItemsTable
                items={queue.data.queued.items}
                waiting={queue.data.waiting}
                onError={setActionError}
              />
            )}
            {queue.data.queued.total > queue.data.queued.items.length ? (
              <Button
                variant="outline"
                size="sm"
                className="self-start"
                onClick={() => setQueuedLimit((n) => n + QUEUED_PAGE)}
              >
                {t("loadMore")}
              </Button>
            ) : null}
          </Card>
          <Card className="gap-3 px-4 py-4" data-testid="callbacks-finished">
            <h2 className="text-base font-semibold">{t("finished.title")}</h2>
            {queue.data.finished.items.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("finished.empty")}</p>
            ) : (
              <ItemsTable
                items={queue.data.finished.items}
                waiting={null}
                finished
                onError={setActionError}
              />
            )}
            {queue.data.finished.total > queue.data.finished.items.length ? (
              <Button
                variant="outline"
                size="sm"
                className="self-start"
                onClick={() => setFinishedLimit((n) => n + FINISHED_PAGE)}
              >
                {t("loadMore")}
              </Button>
            ) : null}
          </Card>
        </>
      )}
    </LogPage>
  );
}

/** The pace and why nothing is estimated: rate 0 («на паузе») or outside the working hours. */
function Status({ queue }: { queue: Queue }) {
  const t = useTranslations("callbacks.status");
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="callbacks-status">
      <span>{queue.rate === 0 ? t("rateZero") : t("rate", { rate: queue.rate })}</span>
      {queue.waiting ? (
        <Badge
          variant="outline"
          className="border-amber-300 bg-amber-50 text-amber-900"
          data-testid="callbacks-waiting"
        >
          {t(queue.waiting)}
        </Badge>
      ) : null}
      <Link href="/settings" className="text-primary underline-offset-4 hover:underline">
        {t("settings")}
      </Link>
    </div>
  );
}

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.callbacks.queue.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.callbacks.count.queryKey() }),
    ]);
}

function RulesCard({ rules, onError }: { rules: Queue["rules"]; onError: (text: string | null) => void }) {
  const t = useTranslations("callbacks.rules");
  const trpc = useTRPC();
  const errorText = useErrorText();
  const invalidate = useInvalidate();
  const pause = useMutation(trpc.callbacks.pauseRule.mutationOptions());
  const resume = useMutation(trpc.callbacks.resumeRule.mutationOptions());
  const toggle = async (ruleId: string, paused: boolean) => {
    onError(null);
    try {
      await (paused ? resume : pause).mutateAsync({ ruleId });
    } catch (err) {
      onError(errorText(err));
    }
    await invalidate();
  };
  return (
    <Card className="gap-2 px-4 py-4" data-testid="callbacks-rules">
      <h2 className="text-base font-semibold">{t("title")}</h2>
      <ul className="flex flex-col divide-y">
        {rules.map((r) => (
          <li
            key={r.ruleId}
            className="flex flex-wrap items-center justify-between gap-2 py-2"
            data-testid={`callbacks-rule-${r.ruleId}`}
          >
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Link href={`/rules?rule=${r.ruleId}`} className="font-medium hover:underline">
                {r.ruleName || t("unnamed")}
              </Link>
              <span className="text-muted-foreground">{t("queued", { count: r.queued })}</span>
              {r.paused ? <Badge variant="outline">{t("paused")}</Badge> : null}
            </div>
            <Button
              variant="outline"
              size="sm"
              disabled={pause.isPending || resume.isPending}
              onClick={() => toggle(r.ruleId, r.paused)}
            >
              {r.paused ? <Play /> : <Pause />}
              {r.paused ? t("resume") : t("pause")}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function ItemsTable({
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
