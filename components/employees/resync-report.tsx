"use client";

import { X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { ResyncReport as Report } from "./types";

type Line = { key: string; text: string; tone?: "warn" };

/** What "Обновить" changed, side by side for MANGO OFFICE and amoCRM, and the pairs it kept. */
export function ResyncReport({ report, onClose }: { report: Report; onClose: () => void }) {
  const t = useTranslations("employees.report");
  const list = (key: string, names: string[], tone?: "warn"): Line[] =>
    names.length ? [{ key, text: t(key, { names: names.join(", ") }), tone }] : [];
  const mango: Line[] = report.mango.ok
    ? [
        ...list("added", report.mango.added),
        ...list("removed", report.mango.removed, "warn"),
        ...list("changed", report.mango.changed),
      ]
    : [{ key: "failed", text: t("failed", { error: report.mango.error }), tone: "warn" }];
  const amocrm: Line[] = report.amocrm.ok
    ? [
        ...list("added", report.amocrm.added),
        ...list("deactivated", report.amocrm.deactivated, "warn"),
        ...list("changed", report.amocrm.changed),
      ]
    : [{ key: "failed", text: t("failed", { error: report.amocrm.error }), tone: "warn" }];
  const side = (title: string, total: number | null, lines: Line[]) => (
    <div className="flex flex-col gap-1">
      <p className="text-sm font-medium">
        {title}
        {total !== null ? (
          <span className="ml-2 text-muted-foreground">{t("total", { count: total })}</span>
        ) : null}
      </p>
      {lines.length === 0 ? <p className="text-sm text-muted-foreground">{t("noChanges")}</p> : null}
      {lines.map((l) => (
        <p
          key={l.key}
          className={l.tone === "warn" ? "text-sm text-amber-700 dark:text-amber-400" : "text-sm"}
        >
          {l.text}
        </p>
      ))}
    </div>
  );
  return (
    <Card role="status" data-testid="resync-report" className="gap-3 border-primary/30 py-4">
      <CardHeader className="flex-row items-center justify-between px-4">
        <CardTitle>{t("title")}</CardTitle>
        <Button variant="ghost" size="icon" aria-label={t("close")} onClick={onClose}>
          <X />
        </Button>
      </CardHeader>
      <CardContent className="grid gap-4 px-4 md:grid-cols-2">
        {side(t("mango"), report.mango.ok ? report.mango.total : null, mango)}
        {side(t("amocrm"), report.amocrm.ok ? report.amocrm.total : null, amocrm)}
        <div className="flex flex-col gap-1 md:col-span-2">
          <p className="text-sm text-muted-foreground">{t("kept", { count: report.links.kept })}</p>
          {report.links.stale.map((s) => (
            <p key={`${s.employeeName}-${s.userName}`} className="text-sm text-amber-700 dark:text-amber-400">
              {t("stale", { employee: s.employeeName, user: s.userName, why: t(`why.${s.why}`) })}
            </p>
          ))}
        </div>
      </CardContent>
    </Card>
  );
}
