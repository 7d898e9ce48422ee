"use client";

import { useQuery } from "@tanstack/react-query";
import { Workflow } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/lib/trpc/client";
import { useErrorText } from "@/lib/trpc/errors";
import { cn } from "@/lib/utils";
import { StageRules } from "./stage-rules";
import type { EditorContext } from "./types";
import { useEditorContext } from "./use-rules";

/**
 * Правила: pipelines → stages (with how many rules each has) → the rules of the chosen stage. `focusRuleId`
 * (a link from the SMS log) opens that rule's stage and scrolls to it.
 */
export function RulesPage({ focusRuleId }: { focusRuleId?: string } = {}) {
  const t = useTranslations("rules");
  const errorText = useErrorText();
  const context = useEditorContext();
  return (
    <div className="mx-auto flex w-full max-w-7xl flex-col gap-6">
      <div className="flex max-w-3xl flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
      </div>
      {context.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : context.isError ? (
        <div role="alert" className="flex items-center gap-3 text-sm text-destructive">
          {errorText(context.error)}
          <Button variant="outline" size="sm" onClick={() => context.refetch()}>
            {t("retry")}
          </Button>
        </div>
      ) : context.data.pipelines.length === 0 ? (
        <div className="flex flex-col items-center gap-3 rounded-xl border border-dashed px-6 py-14 text-center">
          <Workflow className="size-8 text-muted-foreground" />
          <p className="max-w-md text-sm text-muted-foreground">{t("noPipelines")}</p>
        </div>
      ) : (
        <PipelineBrowser context={context.data} focusRuleId={focusRuleId} />
      )}
    </div>
  );
}

function PipelineBrowser({ context, focusRuleId }: { context: EditorContext; focusRuleId?: string }) {
  const t = useTranslations("rules");
  const trpc = useTRPC();
  const all = useQuery(trpc.rules.list.queryOptions({}));
  const main = context.pipelines.find((p) => p.isMain) ?? context.pipelines[0]!;
  const [pipelineId, setPipelineId] = useState(main.id);
  const pipeline = context.pipelines.find((p) => p.id === pipelineId) ?? main;
  const firstOpen = pipeline.statuses.find((s) => s.type === "open") ?? pipeline.statuses[0];
  const [statusId, setStatusId] = useState<number | null>(firstOpen?.id ?? null);
  const status = pipeline.statuses.find((s) => s.id === statusId) ?? firstOpen;
  const focused = useRef<string | null>(null);
  useEffect(() => {
    const rule = focusRuleId ? all.data?.rules.find((r) => r.id === focusRuleId) : undefined;
    if (!rule || focused.current === rule.id) return;
    focused.current = rule.id;
    setPipelineId(rule.pipelineId);
    setStatusId(rule.statusId);
    // The stage's rules render after this state change; scroll once the card is there.
    setTimeout(() => document.querySelector(`[data-testid="rule-${rule.id}"]`)?.scrollIntoView(), 300);
  }, [focusRuleId, all.data]);
  const count = (id: number) =>
    all.data?.rules.filter((r) => r.pipelineId === pipeline.id && r.statusId === id).length ?? 0;

  return (
    <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
      <nav className="flex flex-col gap-3" aria-label={t("stages")}>
        <Select
          value={String(pipeline.id)}
          onValueChange={(v) => {
            const next = context.pipelines.find((p) => p.id === Number(v));
            setPipelineId(Number(v));
            setStatusId((next?.statuses.find((s) => s.type === "open") ?? next?.statuses[0])?.id ?? null);
          }}
        >
          <SelectTrigger aria-label={t("pipeline")} className="w-full">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {context.pipelines.map((p) => (
              <SelectItem key={p.id} value={String(p.id)}>
                {p.name}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <ul className="flex flex-col gap-1" data-testid="stage-list">
          {pipeline.statuses.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                onClick={() => setStatusId(s.id)}
                aria-current={s.id === status?.id ? "true" : undefined}
                className={cn(
                  "flex w-full items-center justify-between gap-2 rounded-md border-l-4 px-3 py-2 text-left text-sm hover:bg-accent",
                  s.id === status?.id ? "bg-accent font-medium" : "bg-card",
                )}
                style={{ borderLeftColor: s.color ?? "transparent" }}
              >
                <span className="flex flex-col">
                  <span>{s.name}</span>
                  {s.type === "won" || s.type === "lost" ? (
                    <span className="text-xs text-muted-foreground">
                      {t(`statusTypes.${s.type}` as "statusTypes.won")}
                    </span>
                  ) : null}
                </span>
                {count(s.id) > 0 ? <Badge variant="secondary">{count(s.id)}</Badge> : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="flex min-w-0 flex-col gap-3">
        {status ? (
          <>
            <h2 className="text-lg font-semibold" data-testid="stage-title">
              {t("stageTitle", { stage: status.name })}
            </h2>
            <StageRules key={`${pipeline.id}:${status.id}`} pipelineId={pipeline.id} statusId={status.id} />
          </>
        ) : null}
      </section>
    </div>
  );
}
