"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowRight, Circle, CircleCheck } from "lucide-react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { cn } from "@/lib/utils";
import { DATE_TIME } from "./format";

type Detail = Record<string, string | number | null>;
type Key = "amocrm" | "mango" | "events" | "employees" | "widget" | "ccFields";

/** The "Обзор" checklist (`onboarding.checklist`): each step done or not, with where to fix it. */
export function ChecklistCard() {
  const t = useTranslations("onboarding.checklist");
  const tCommon = useTranslations("common");
  const trpc = useTRPC();
  const checklist = useQuery(trpc.onboarding.checklist.queryOptions());
  const items = checklist.data ?? [];
  const done = items.filter((i) => i.done).length;
  return (
    <Card data-testid="onboarding-checklist">
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-4">
        <div className="flex flex-col gap-1.5">
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>
            {done === items.length && items.length ? t("allDone") : t("description")}
          </CardDescription>
        </div>
        {items.length ? (
          <div className="flex min-w-40 flex-col items-end gap-1.5">
            <span className="text-xs text-muted-foreground">{t("progressLabel")}</span>
            <span data-testid="checklist-progress" className="text-lg font-semibold tabular-nums">
              {t("progress", { done, total: items.length })}
            </span>
            <div
              role="progressbar"
              aria-label={t("progressLabel")}
              aria-valuemin={0}
              aria-valuemax={items.length}
              aria-valuenow={done}
              className="h-1.5 w-40 overflow-hidden rounded-full bg-muted"
            >
              <div
                className="h-full rounded-full bg-emerald-500 transition-[width]"
                style={{ width: `${(done / items.length) * 100}%` }}
              />
            </div>
          </div>
        ) : null}
      </CardHeader>
      <CardContent>
        {checklist.isPending ? (
          <Skeleton className="h-64 w-full" />
        ) : checklist.isError ? (
          <p role="alert" className="text-sm text-destructive">
            {tCommon("error")}
          </p>
        ) : (
          <ul className="divide-y rounded-lg border">
            {items.map((item) => (
              <ChecklistRow
                key={item.key}
                itemKey={item.key}
                done={item.done}
                detail={item.detail}
                href={item.href}
              />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function ChecklistRow({
  itemKey,
  done,
  detail,
  href,
}: {
  itemKey: Key;
  done: boolean;
  detail: Detail;
  href: string;
}) {
  const t = useTranslations("onboarding.checklist");
  const text = useDetailText();
  return (
    <li
      data-testid="checklist-item"
      data-key={itemKey}
      data-done={done}
      className="flex flex-wrap items-center gap-3 px-4 py-3 sm:flex-nowrap"
    >
      {done ? (
        <CircleCheck className="size-5 shrink-0 text-emerald-600" aria-hidden />
      ) : (
        <Circle className="size-5 shrink-0 text-muted-foreground/60" aria-hidden />
      )}
      <div className="flex min-w-0 flex-1 flex-col gap-0.5">
        <span className={cn("text-sm font-medium", done ? "text-foreground" : "text-foreground/90")}>
          {t(`items.${itemKey}.title`)}
          <span className="sr-only">: {done ? t("done") : t("todo")}</span>
        </span>
        <span className="text-xs text-muted-foreground">{text(itemKey, detail)}</span>
      </div>
      {done ? (
        <span className="text-xs font-medium text-emerald-700" aria-hidden>
          {t("done")}
        </span>
      ) : (
        <Button asChild size="sm" variant="outline">
          <Link href={href}>
            {t(`items.${itemKey}.action`)}
            <ArrowRight />
          </Link>
        </Button>
      )}
    </li>
  );
}

/** The second line of a step: its numbers or dates worded for the reader. */
function useDetailText() {
  const t = useTranslations("onboarding.checklist.items");
  const format = useFormatter();
  const when = (iso: string | number | null | undefined) =>
    typeof iso === "string" ? format.dateTime(new Date(iso), DATE_TIME) : null;
  return (key: Key, detail: Detail): string => {
    switch (key) {
      case "amocrm":
        return detail.status === "needs_reconnect" ? t("amocrm.needsReconnect") : t("amocrm.text");
      case "mango":
        return typeof detail.keyHint === "string"
          ? t("mango.keyHint", { hint: detail.keyHint })
          : t("mango.text");
      case "events": {
        const last = when(detail.lastEventAt);
        return last ? t("events.last", { time: last }) : t("events.text");
      }
      case "employees":
        return t("employees.text", { mapped: Number(detail.mapped ?? 0), total: Number(detail.total ?? 0) });
      default:
        return t(`${key}.text`);
    }
  };
}
