"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { LoaderCircle, Search } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { type Control, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc/client";
import { conditionRowSchema, conditionsOf, type RuleFormValues, recipientsOf } from "./form-values";
import { formatPrice } from "./format";
import type { EditorContext, SmsPreview, StageDeal } from "./types";

type Stage = { pipelineId: number; statusId: number };

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

export const namesOf = (context: EditorContext) => ({
  users: new Map(context.users.map((u) => [u.amoUserId, u.name])),
  fields: new Map(context.fields.lead.map((f) => [f.id, f.name])),
});

/**
 * The draft rendered on the picked deal, re-asked a moment after the person stops typing. Rows still being
 * typed (a condition without its value) are left out rather than failing the whole preview.
 */
export function useSmsPreview(control: Control<RuleFormValues>, stage: Stage, context: EditorContext) {
  const trpc = useTRPC();
  const [deal, setDeal] = useState<StageDeal | null>(null);
  const values = useWatch({ control }) as RuleFormValues;
  const input = deal
    ? {
        leadId: deal.id,
        ...stage,
        trigger: values.trigger,
        conditions: conditionsOf(
          {
            mode: values.mode,
            conditions: (values.conditions ?? []).filter((c) => conditionRowSchema.safeParse(c).success),
          },
          namesOf(context),
        ),
        sms: {
          recipients: recipientsOf(values.recipients),
          template: values.template ?? "",
          fallback: values.fallback?.trim() ? values.fallback : null,
        },
      }
    : null;
  const key = useDebounced(input?.sms.template.trim() ? JSON.stringify(input) : null, 300);
  const preview = useMutation(trpc.rules.preview.mutationOptions());
  // The last answer stays on screen while the next is asked, so the text does not blink on every keystroke;
  // callbacks given to `mutate` run for the latest call only, so a slow older answer never wins.
  const [last, setLast] = useState<SmsPreview | undefined>(undefined);
  const { mutate } = preview;
  useEffect(() => {
    if (key) mutate(JSON.parse(key), { onSuccess: setLast });
    else setLast(undefined);
  }, [key, mutate]);
  const pick = (next: StageDeal | null) => {
    setLast(undefined);
    setDeal(next);
  };
  return {
    deal,
    setDeal: pick,
    result: key ? last : undefined,
    pending: preview.isPending,
    error: preview.error,
  };
}

export type SmsPreviewState = ReturnType<typeof useSmsPreview>;

/** The deal picker (deals now in this stage, with search) and what the SMS would be on the picked deal. */
export function SmsPreviewPanel({ state, stage }: { state: SmsPreviewState; stage: Stage }) {
  const t = useTranslations("rules.preview");
  return (
    <div className="flex flex-col gap-3 rounded-lg border bg-muted/20 p-3" data-testid="sms-preview">
      <div className="flex flex-col gap-0.5">
        <h4 className="text-sm font-semibold">{t("title")}</h4>
        <p className="text-xs text-muted-foreground">{t("hint")}</p>
      </div>
      {state.deal ? (
        <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
          <span className="font-medium" data-testid="preview-deal">
            {t("deal", { name: state.deal.name })}
          </span>
          <Button type="button" variant="outline" size="sm" onClick={() => state.setDeal(null)}>
            {t("change")}
          </Button>
        </div>
      ) : (
        <DealPicker stage={stage} onPick={state.setDeal} />
      )}
      {state.deal ? <PreviewResult state={state} /> : null}
    </div>
  );
}

function DealPicker({ stage, onPick }: { stage: Stage; onPick: (deal: StageDeal) => void }) {
  const t = useTranslations("rules.preview");
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 300);
  const deals = useQuery(trpc.rules.stageDeals.queryOptions({ ...stage, query: query || undefined }));
  return (
    <div className="flex flex-col gap-2">
      <div className="relative">
        <Search className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" />
        <Input
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={t("search")}
          aria-label={t("search")}
          className="pl-8"
        />
      </div>
      {deals.isPending ? (
        <LoaderCircle className="size-4 animate-spin text-muted-foreground" />
      ) : deals.isError ? (
        <p role="alert" className="text-xs text-destructive">
          {t("dealsError")}
        </p>
      ) : deals.data.deals.length === 0 ? (
        <p className="text-xs text-muted-foreground">{query ? t("noMatch") : t("noDeals")}</p>
      ) : (
        <ul
          className="flex max-h-56 flex-col divide-y overflow-y-auto rounded-md border bg-background"
          data-testid="stage-deals"
        >
          {deals.data.deals.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                onClick={() => onPick(d)}
                className="flex w-full flex-col items-start gap-0.5 px-3 py-1.5 text-left text-sm hover:bg-accent"
              >
                <span className="font-medium">{d.name}</span>
                <span className="text-xs text-muted-foreground">
                  №{d.id} · {formatPrice(d.price)} ₽{d.responsibleName ? ` · ${d.responsibleName}` : ""}
                  {d.tags.length ? ` · ${d.tags.join(", ")}` : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {deals.data?.more ? <p className="text-xs text-muted-foreground">{t("more")}</p> : null}
    </div>
  );
}

function PreviewResult({ state }: { state: SmsPreviewState }) {
  const t = useTranslations("rules.preview");
  const tr = useTranslations("rules.recipientNames");
  const result: SmsPreview | undefined = state.result;
  if (state.error)
    return (
      <p role="alert" className="text-xs text-destructive">
        {t("error")}
      </p>
    );
  if (!result) return state.pending ? <p className="text-xs text-muted-foreground">{t("loading")}</p> : null;
  if (!result.found) return <p className="text-xs text-destructive">{t("notFound")}</p>;
  const roles = (r: string[]) => r.map((x) => tr(x as "client")).join(" + ");
  return (
    <div className="flex flex-col gap-2 text-sm" aria-busy={state.pending}>
      {!result.deal.inStage ? <p className="text-xs text-amber-700">{t("notInStage")}</p> : null}
      {result.text.ok ? (
        <>
          <p
            className="whitespace-pre-wrap rounded-md border bg-background px-3 py-2"
            data-testid="preview-text"
          >
            {result.text.text}
          </p>
          {result.text.fallbackFor.length > 0 ? (
            <p className="text-xs text-muted-foreground">
              {t("fallbackUsed", { macros: result.text.fallbackFor.join(", ") })}
            </p>
          ) : null}
          {result.text.limitReason ? (
            <p role="alert" className="text-xs text-destructive">
              {result.text.limitReason}
            </p>
          ) : null}
        </>
      ) : (
        <p className="text-xs text-destructive" data-testid="preview-skipped">
          {t("skipped", { reason: result.text.reason })}
        </p>
      )}
      <p
        className={result.conditions.matches ? "text-xs text-emerald-700" : "text-xs text-amber-700"}
        data-testid="preview-conditions"
      >
        {result.conditions.matches
          ? t("conditionsMatch")
          : t("conditionsFail", { reason: result.conditions.reason ?? "" })}
      </p>
      <ul className="flex flex-col gap-0.5 text-xs" data-testid="preview-recipients">
        {result.recipients.map((r) => (
          <li key={r.phone}>{t("to", { list: `${roles(r.roles)}: ${r.name ?? ""} ${r.phone}`.trim() })}</li>
        ))}
        {result.skipped.map((s) => (
          <li key={s.role} className="text-amber-700">
            {t("skippedRecipient", { role: tr(s.role), reason: s.reason })}
          </li>
        ))}
        {result.recipients.length === 0 && result.skipped.length === 0 ? <li>{t("nobody")}</li> : null}
      </ul>
    </div>
  );
}
