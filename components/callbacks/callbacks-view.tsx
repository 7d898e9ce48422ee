"use client";

import { useQuery } from "@tanstack/react-query";
import { PhoneOff } from "lucide-react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ChartCard } from "@/components/data-view/chart-card";
import { DailyBars } from "@/components/data-view/daily-bars";
import { LogPage } from "@/components/data-view/log-page";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { ItemsTable } from "./items-table";
import type { Queue } from "./queue-data";
import { RulesCard } from "./rules-card";

const REFRESH_MS = 10_000;
const DAY_MS = 86_400_000;
const QUEUED_PAGE = 50;
const FINISHED_PAGE = 20;

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
