"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ExternalLink, LoaderCircle, RotateCw } from "lucide-react";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useAccountDateTime } from "@/components/data-view/account-time";
import { isAdminRole, useTenant } from "@/components/shell/use-tenant";
import { Button } from "@/components/ui/button";
import { Separator } from "@/components/ui/separator";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { DATE_TIME } from "./activity-table";
import { StatusBadge, useKindLabel } from "./status";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 py-1.5 text-sm">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

/** One journal entry (`activity.get`): status, reason, attempts, masked payload, related job, "Повторить". */
export function DetailSheet({
  id,
  onOpen,
  onClose,
}: {
  id: string | null;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const t = useTranslations("journal");
  const tCommon = useTranslations("common");
  const dateTime = useAccountDateTime();
  const kindLabel = useKindLabel();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tenant = useTenant();
  const entry = useQuery(
    trpc.activity.get.queryOptions({ id: id ?? "" }, { enabled: id !== null, refetchInterval: 5_000 }),
  );
  const retry = useMutation(
    trpc.activity.retry.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.activity.list.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.activity.get.queryKey({ id: id ?? "" }) }),
        ]),
    }),
  );
  const e = entry.data;
  const dash = tCommon("dash");
  return (
    <Sheet
      open={id !== null}
      onOpenChange={(open) => {
        if (!open) {
          retry.reset();
          onClose();
        }
      }}
    >
      <SheetContent closeLabel={tCommon("close")} data-testid="journal-detail">
        <SheetHeader>
          <SheetTitle>{e ? kindLabel(e.kind) : t("detail.title")}</SheetTitle>
          <SheetDescription className="font-mono text-xs">{e ? e.kind : id}</SheetDescription>
        </SheetHeader>
        <div className="flex flex-1 flex-col gap-5 overflow-y-auto px-6 pb-6">
          {entry.isError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorText(entry.error)}
            </p>
          ) : !e ? (
            <Skeleton className="h-48 w-full" />
          ) : (
            <>
              <dl className="flex flex-col">
                <Field label={t("columns.status")}>
                  <StatusBadge status={e.status} />
                </Field>
                <Field label={t("columns.reason")}>
                  <span data-testid="detail-reason">{e.reason ?? dash}</span>
                </Field>
                <Field label={t("detail.attempts")}>
                  {e.maxAttempts
                    ? t("attemptsValue", { attempts: e.attempts, max: e.maxAttempts })
                    : e.attempts}
                </Field>
                <Field label={t("columns.nextRetry")}>
                  {e.nextRetryAt ? dateTime(e.nextRetryAt, DATE_TIME) : dash}
                </Field>
                <Field label={t("columns.subject")}>{e.subject ?? dash}</Field>
                <Field label={t("detail.source")}>{t(`sources.${e.source}`)}</Field>
                <Field label={t("detail.created")}>{dateTime(e.createdAt, DATE_TIME)}</Field>
                <Field label={t("detail.updated")}>{dateTime(e.updatedAt, DATE_TIME)}</Field>
                {e.relatedJobActivityId ? (
                  <Field label={t("detail.related")}>
                    <Button
                      variant="link"
                      className="h-auto p-0"
                      onClick={() => onOpen(e.relatedJobActivityId!)}
                    >
                      {t("detail.openRelated")}
                      <ExternalLink />
                    </Button>
                  </Field>
                ) : null}
              </dl>

              {e.canRetry ? (
                <div className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50/60 p-3">
                  {isAdminRole(tenant.data?.role) ? (
                    <Button
                      className="w-fit"
                      data-testid="retry"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate({ id: e.id })}
                    >
                      {retry.isPending ? <LoaderCircle className="animate-spin" /> : <RotateCw />}
                      {retry.isPending ? t("detail.retrying") : t("detail.retry")}
                    </Button>
                  ) : (
                    <p className="text-sm text-muted-foreground">{t("detail.adminOnly")}</p>
                  )}
                  {retry.error ? (
                    <p role="alert" className="text-sm text-destructive">
                      {errorText(retry.error)}
                    </p>
                  ) : null}
                </div>
              ) : retry.isSuccess ? (
                <p role="status" className="text-sm text-emerald-700">
                  {t("detail.retried")}
                </p>
              ) : null}

              <Separator />
              <section className="flex flex-col gap-2">
                <div className="flex items-baseline justify-between gap-3">
                  <h3 className="text-sm font-medium">{t("detail.payload")}</h3>
                  <span className="text-xs text-muted-foreground">{t("detail.payloadMasked")}</span>
                </div>
                {e.payload === null || e.payload === undefined ? (
                  <p className="text-sm text-muted-foreground">{t("detail.noPayload")}</p>
                ) : (
                  <pre
                    data-testid="detail-payload"
                    className="max-h-96 overflow-auto rounded-lg border bg-muted/50 p-3 font-mono text-xs leading-relaxed"
                  >
                    {JSON.stringify(e.payload, null, 2)}
                  </pre>
                )}
              </section>
            </>
          )}
        </div>
      </SheetContent>
    </Sheet>
  );
}
