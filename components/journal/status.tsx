"use client";

import { LoaderCircle } from "lucide-react";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

export const STATUSES = [
  "received",
  "rejected",
  "queued",
  "running",
  "retrying",
  "done",
  "skipped",
  "failed",
] as const;
export type ActivityStatus = (typeof STATUSES)[number];

const tone: Record<ActivityStatus, string> = {
  received: "border-slate-200 bg-slate-50 text-slate-700",
  rejected: "border-orange-200 bg-orange-50 text-orange-800",
  queued: "border-sky-200 bg-sky-50 text-sky-800",
  running: "border-blue-200 bg-blue-50 text-blue-800",
  retrying: "border-amber-200 bg-amber-50 text-amber-800",
  done: "border-emerald-200 bg-emerald-50 text-emerald-800",
  skipped: "border-zinc-200 bg-zinc-50 text-zinc-600",
  failed: "border-red-200 bg-red-50 text-red-700",
};

const dot: Record<ActivityStatus, string> = {
  received: "bg-slate-400",
  rejected: "bg-orange-500",
  queued: "bg-sky-500",
  running: "bg-blue-500",
  retrying: "bg-amber-500",
  done: "bg-emerald-500",
  skipped: "bg-zinc-400",
  failed: "bg-red-500",
};

export function StatusBadge({ status, className }: { status: ActivityStatus; className?: string }) {
  const t = useTranslations("journal.statuses");
  return (
    <Badge variant="outline" data-status={status} className={cn(tone[status], className)}>
      {status === "running" ? (
        <LoaderCircle className="animate-spin" />
      ) : (
        <span aria-hidden className={cn("size-1.5 rounded-full", dot[status])} />
      )}
      {t(status)}
    </Badge>
  );
}

/** A readable label for an activity kind ("mango.call" → "Звонок MANGO OFFICE"); unknown kinds show as they are. */
export function useKindLabel() {
  const t = useTranslations("journal.kinds");
  return (kind: string) => {
    // next-intl reads dots as nesting: "mango.events/call" is looked up as mango.events_call,
    // "amocrm.sync-directory" as amocrm.sync_directory.
    const key = kind.replace(/[/-]/g, "_");
    if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*$/i.test(key)) return kind;
    return t.has(key) && typeof t.raw(key) === "string" ? t(key) : kind;
  };
}
