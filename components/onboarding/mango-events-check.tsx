"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, LoaderCircle, TriangleAlert } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";
import { DATE_TIME } from "./format";

const POLL_MS = 2_000;
const GIVE_UP_MS = 5 * 60_000;

type Check =
  | { phase: "idle" | "arrived" | "timeout" }
  | { phase: "waiting"; pressedAt: number; baseline: number | null };

/** A new event after `pressedAt` (browser clock) or after the last one known at the press (server clock). */
export function eventArrived(
  check: { pressedAt: number; baseline: number | null },
  lastEventAt: Date | null | undefined,
): boolean {
  if (!lastEventAt) return false;
  const last = lastEventAt.getTime();
  return last > check.pressedAt || check.baseline === null || last > check.baseline;
}

/** «Проверить»: polls `mango.status` every 2 s until MANGO OFFICE delivers a signed event, then turns green. */
export function MangoEventsCheck({ canCheck }: { canCheck: boolean }) {
  const t = useTranslations("onboarding.mango");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [check, setCheck] = useState<Check>({ phase: "idle" });
  const waiting = check.phase === "waiting";
  const status = useQuery(
    trpc.mango.status.queryOptions(undefined, { refetchInterval: waiting ? POLL_MS : false }),
  );
  const lastEventAt = status.data?.lastEventAt ?? null;

  useEffect(() => {
    if (check.phase !== "waiting" || !eventArrived(check, lastEventAt)) return;
    setCheck({ phase: "arrived" });
    void queryClient.invalidateQueries({ queryKey: trpc.onboarding.checklist.queryKey() });
  }, [check, lastEventAt, queryClient, trpc]);

  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setCheck({ phase: "timeout" }), GIVE_UP_MS);
    return () => clearTimeout(timer);
  }, [waiting]);

  const start = () =>
    setCheck({
      phase: "waiting",
      pressedAt: Date.now(),
      baseline: lastEventAt ? lastEventAt.getTime() : null,
    });

  return (
    <div className="flex flex-col gap-2" data-testid="mango-events" data-phase={check.phase}>
      <span className="text-sm font-medium">{t("eventsTitle")}</span>
      {check.phase === "arrived" ? (
        <p
          role="status"
          data-testid="mango-events-ok"
          className="flex items-center gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800"
        >
          <CircleCheck className="size-4 shrink-0" />
          {t("arriving")}
        </p>
      ) : null}
      {waiting ? (
        <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground">
          <LoaderCircle className="size-4 shrink-0 animate-spin" />
          {t("waiting")}
        </p>
      ) : null}
      {check.phase === "timeout" ? (
        <p role="alert" className="flex items-start gap-2 text-sm text-amber-800">
          <TriangleAlert className="mt-0.5 size-4 shrink-0" />
          {t("timeout")}
        </p>
      ) : null}
      <p className="text-xs text-muted-foreground" data-testid="mango-last-event">
        {lastEventAt ? t("eventsLast", { time: format.dateTime(lastEventAt, DATE_TIME) }) : t("eventsNone")}
      </p>
      {canCheck ? (
        <div className="flex gap-2">
          {waiting ? (
            <Button type="button" variant="ghost" onClick={() => setCheck({ phase: "idle" })}>
              {t("stopWaiting")}
            </Button>
          ) : (
            <Button type="button" variant="outline" onClick={start} data-testid="mango-check">
              {check.phase === "idle" ? t("check") : t("checkAgain")}
            </Button>
          )}
        </div>
      ) : null}
    </div>
  );
}
