"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleStop } from "lucide-react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import type { RuleApplication } from "./types";

type Props = {
  ruleId: string;
  /** The application `rules.save` just started: polled for until the status query shows it. */
  applicationId?: string;
  /** Whether the viewer may stop it (the same people who may edit rules). */
  canCancel?: boolean;
};

/**
 * "Применить триггер к текущим сделкам в статусе": the latest application of a rule — a live progress bar
 * (the status is polled every second while it runs), its counters and a stop button, then the summary
 * (SMS sent, deals skipped with their reasons, failures). Nothing when the rule was never applied.
 */
export function ApplyProgress({ ruleId, applicationId, canCancel = true }: Props) {
  const t = useTranslations("rulesApply");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(
    trpc.rules.applyStatus.queryOptions(
      { ruleId },
      {
        refetchInterval: (q) => {
          const app = q.state.data?.application;
          const waitingForNew = applicationId !== undefined && app?.applicationId !== applicationId;
          return app?.status === "running" || waitingForNew ? 1000 : false;
        },
      },
    ),
  );
  const cancel = useMutation(
    trpc.rules.applyCancel.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.rules.applyStatus.queryKey({ ruleId }) }),
    }),
  );

  if (status.isError)
    return (
      <p role="alert" className="text-sm text-destructive">
        {t("loadError")}
      </p>
    );
  const app = status.data?.application;
  if (!app) return null;
  const running = app.status === "running";

  return (
    <section
      className="flex flex-col gap-2 rounded-md border bg-muted/30 p-3 text-sm"
      data-testid="apply-progress"
      data-status={app.status}
      aria-live="polite"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <span className="font-medium">{t("title")}</span>
          <Badge variant={app.status === "failed" ? "destructive" : running ? "default" : "secondary"}>
            {t(`status.${app.status}`)}
          </Badge>
        </div>
        {running && canCancel ? (
          <Button
            variant="outline"
            size="sm"
            onClick={() => cancel.mutate({ ruleId })}
            disabled={cancel.isPending || app.cancelRequested}
          >
            <CircleStop />
            {app.cancelRequested || cancel.isPending ? t("cancelling") : t("cancel")}
          </Button>
        ) : null}
      </div>

      <ProgressBar percent={app.percent} label={t("title")} />
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-muted-foreground">
        <span data-testid="apply-processed">
          {app.total === null ? t("counting") : t("progress", { processed: app.processed, total: app.total })}
        </span>
        {app.percent !== null ? (
          <span data-testid="apply-percent">{t("percent", { percent: app.percent })}</span>
        ) : null}
        {running ? (
          <>
            <span>{t("queued", { count: app.queued })}</span>
            <span>{t("skipped", { count: app.skipped })}</span>
            {app.failed > 0 ? <span>{t("failed", { count: app.failed })}</span> : null}
          </>
        ) : null}
      </div>
      {cancel.isError ? (
        <p role="alert" className="text-destructive">
          {t("cancelError", { message: errorText(cancel.error) })}
        </p>
      ) : null}
      {running ? null : <Summary app={app} />}
    </section>
  );
}

function Summary({ app }: { app: RuleApplication }) {
  const t = useTranslations("rulesApply.summary");
  return (
    <div className="flex flex-col gap-1" data-testid="apply-summary">
      <span className="font-medium">{t("title")}</span>
      {app.status !== "done" && app.total !== null ? (
        <span>{t("processed", { processed: app.processed, total: app.total })}</span>
      ) : null}
      <span data-testid="apply-sent">{t("sent", { count: app.queued })}</span>
      <span data-testid="apply-skipped">{t("skipped", { count: app.skipped })}</span>
      {app.skipReasons.length > 0 ? (
        <ul className="ml-4 list-disc text-muted-foreground" aria-label={t("reasons")}>
          {app.skipReasons.map((r) => (
            <li key={r.reason}>{t("reason", { reason: r.reason, count: r.count })}</li>
          ))}
        </ul>
      ) : null}
      <span data-testid="apply-failed">{t("failed", { count: app.failed })}</span>
      {app.error ? <span className="text-destructive">{t("error", { error: app.error })}</span> : null}
    </div>
  );
}

function ProgressBar({ percent, label }: { percent: number | null; label: string }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      className="h-2 w-full overflow-hidden rounded-full bg-muted"
    >
      <div
        className={
          percent === null
            ? "h-full w-1/3 animate-pulse rounded-full bg-primary/60"
            : "h-full rounded-full bg-primary transition-[width] duration-500"
        }
        style={percent === null ? undefined : { width: `${percent}%` }}
      />
    </div>
  );
}
