"use client";

import { ChevronRight, ExternalLink } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { useJournalDate } from "./dates";
import { type JournalGroup, type OutcomeState, outcomeState, titleKey } from "./outcome";
import { StatusBadge, useKindLabel } from "./status";

const tone: Record<OutcomeState, string> = {
  done: "border-emerald-200 bg-emerald-50 text-emerald-800",
  sent: "border-emerald-200 bg-emerald-50 text-emerald-800",
  delivered: "border-emerald-200 bg-emerald-50 text-emerald-800",
  pending: "border-sky-200 bg-sky-50 text-sky-800",
  skipped: "border-zinc-200 bg-zinc-50 text-zinc-600",
  failed: "border-red-200 bg-red-50 text-red-700",
  rejected: "border-orange-200 bg-orange-50 text-orange-800",
};

function Subtitle({ g }: { g: JournalGroup }) {
  const t = useTranslations("journal");
  const f = g.facts;
  const parts: string[] = [];
  if (g.category === "call") parts.push(t(`direction.${f.direction ?? "unknown"}`));
  if (f.phone) parts.push(f.phone);
  if ((g.category === "deal" || g.category === "sms") && f.leadId) parts.push(t("deal", { id: f.leadId }));
  if (g.category === "apply" && f.apply?.ruleName) parts.push(`«${f.apply.ruleName}»`);
  if (g.category === "other" && g.subject) parts.push(g.subject);
  return parts.length ? <span> · {parts.join(" · ")}</span> : null;
}

/** A Contact Center call's topics (server/topics): waiting with the next check, saved, or skipped with why. */
function TopicsLine({ g }: { g: JournalGroup }) {
  const t = useTranslations("journal.topics");
  const date = useJournalDate();
  const topics = g.facts.topics;
  if (!topics) return null;
  const text =
    topics.state === "waiting"
      ? t("waiting", { at: topics.nextPollAt ? date(new Date(topics.nextPollAt)) : "—" })
      : topics.state === "placing"
        ? t("placing")
        : topics.state === "saved"
          ? topics.paths.length > 0
            ? t("saved", { paths: topics.paths.join("; ") })
            : t("savedNoTopics")
          : t("skipped", { reason: topics.reason ?? "—" });
  return (
    <span className="block text-sm" data-testid="outcome-topics" data-topics-state={topics.state}>
      {text}
    </span>
  );
}

function Details({ g }: { g: JournalGroup }) {
  const t = useTranslations("journal");
  const a = g.facts.apply;
  return (
    <>
      {g.facts.talked && g.facts.talked.length > 1 ? (
        <span className="block text-sm" data-testid="outcome-talked">
          {t("talked", { extensions: g.facts.talked.join(", ") })}
        </span>
      ) : null}
      {g.facts.directionNote ? (
        <span className="block text-sm" data-testid="outcome-direction-note">
          {g.facts.directionNote}
        </span>
      ) : null}
      <TopicsLine g={g} />
      {g.facts.rules?.map((r) => (
        <span key={r.name} className="block text-sm" data-testid="outcome-rule">
          {r.acted
            ? t("rules.acted", { name: r.name, queued: r.queued })
            : t("rules.skipped", { name: r.name, reason: r.reason ?? t("rules.noReason") })}
        </span>
      ))}
      {a ? (
        <span className="block text-sm">
          {t("applyCounters", {
            processed: a.processed,
            total: a.total ?? "—",
            queued: a.queued,
            skipped: a.skipped,
            failed: a.failed,
          })}
        </span>
      ) : null}
    </>
  );
}

/** One business outcome; expanding shows the technical steps, each opening its journal entry. */
export function OutcomeRow({ g, onOpen }: { g: JournalGroup; onOpen: (id: string) => void }) {
  const t = useTranslations("journal");
  const kindLabel = useKindLabel();
  const date = useJournalDate();
  const [open, setOpen] = useState(false);
  const state = outcomeState(g);
  const key = titleKey(g, state);
  const baseKind = g.kind === "mango.event" ? (g.steps[0]?.kind ?? g.kind) : g.kind;
  const title = key
    ? t(`outcome.${key}`)
    : state === "rejected"
      ? t("rejectedTitle", { kind: kindLabel(baseKind) })
      : kindLabel(baseKind);
  return (
    <li
      className="border-b last:border-b-0"
      data-testid="journal-outcome"
      data-key={g.key}
      data-state={state}
      data-category={g.category}
    >
      <div className="flex items-start gap-2 px-3 py-3 sm:px-4">
        <button
          type="button"
          aria-expanded={open}
          aria-label={t("steps.toggle")}
          data-testid="outcome-toggle"
          onClick={() => setOpen((o) => !o)}
          className="flex min-w-0 flex-1 items-start gap-2 text-left"
        >
          <ChevronRight
            className={cn(
              "mt-0.5 size-4 shrink-0 text-muted-foreground transition-transform",
              open && "rotate-90",
            )}
          />
          <span className="flex min-w-0 flex-col gap-1">
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-medium" data-testid="outcome-title">
                {title}
              </span>
              <Badge variant="outline" className={tone[state]} data-testid="outcome-state">
                {t(`states.${state}`)}
              </Badge>
            </span>
            <span className="text-xs text-muted-foreground tabular-nums">
              {date(g.at)}
              <Subtitle g={g} />
            </span>
            {g.reason ? (
              <span className="text-sm text-muted-foreground" data-testid="outcome-reason">
                {g.reason}
              </span>
            ) : null}
            <Details g={g} />
          </span>
        </button>
        <span className="flex shrink-0 flex-col items-end gap-1 text-sm">
          {g.facts.contactUrl ? (
            <a
              href={g.facts.contactUrl}
              target="_blank"
              rel="noreferrer"
              className="inline-flex items-center gap-1 text-primary hover:underline"
              data-testid="outcome-contact-link"
            >
              {t("links.contact")}
              <ExternalLink className="size-3.5" />
            </a>
          ) : null}
          {g.facts.leadUrl ? (
            <a
              href={g.facts.leadUrl}
              target="_blank"
              rel="noreferrer"
              className="inline-flex items-center gap-1 text-primary hover:underline"
              data-testid="outcome-lead-link"
            >
              {t("links.lead")}
              <ExternalLink className="size-3.5" />
            </a>
          ) : null}
          {g.facts.topics?.leadUrl && g.facts.topics.leadUrl !== g.facts.leadUrl ? (
            <a
              href={g.facts.topics.leadUrl}
              target="_blank"
              rel="noreferrer"
              className="inline-flex items-center gap-1 text-primary hover:underline"
              data-testid="outcome-topics-lead-link"
            >
              {t("topics.lead")}
              <ExternalLink className="size-3.5" />
            </a>
          ) : null}
        </span>
      </div>
      {open ? (
        <div className="bg-muted/30 px-4 pb-3 pl-10" data-testid="journal-steps">
          <p className="py-2 text-xs font-medium uppercase tracking-wide text-muted-foreground">
            {t("steps.title")}
          </p>
          <ol className="flex flex-col gap-1.5">
            {g.steps.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2 text-sm" data-testid="journal-step">
                <span className="tabular-nums text-xs text-muted-foreground">{date(s.createdAt)}</span>
                <span title={s.kind}>{kindLabel(s.kind)}</span>
                <span className="text-xs text-muted-foreground">{t(`sources.${s.source}`)}</span>
                <StatusBadge status={s.status} />
                {s.attempts > 1 ? (
                  <span className="text-xs text-muted-foreground">
                    {t("steps.attempts", { n: s.attempts })}
                  </span>
                ) : null}
                {s.reason ? (
                  <span className="font-mono text-xs text-muted-foreground">{s.reason}</span>
                ) : null}
                <Button variant="link" size="sm" className="h-auto p-0" onClick={() => onOpen(s.id)}>
                  {t("steps.details")}
                </Button>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </li>
  );
}
