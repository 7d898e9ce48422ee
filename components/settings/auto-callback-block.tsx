"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ListOrdered, LoaderCircle } from "lucide-react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Controller, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { AUTO_CALLBACK_DEFAULT_RATE } from "@/lib/domain/settings/schema";
import { useTRPC } from "@/lib/trpc/client";
import { Dependent, FieldFrame, type FormControl, Section, SwitchField, useFieldError } from "./fields";

type Props = { control: FormControl; disabled: boolean };

/** The queue count is polled while the settings are open. */
const COUNT_REFRESH_MS = 15_000;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * A whole number typed as text: the form holds what the schema judges (an integer, null when empty, NaN or
 * a fraction otherwise), so anything but a whole number ≥ 0 is refused with the schema's own words.
 */
function WholeNumberField({
  control,
  disabled,
  name,
  label,
  hint,
  nullable,
  placeholder,
  testId,
}: Props & {
  name: "calls.autoCallback.ratePerMinute" | "calls.autoCallback.cooldownMinutes";
  label: string;
  hint?: string;
  nullable: boolean;
  placeholder?: string;
  testId: string;
}) {
  const id = useId();
  const error = useFieldError(control, name);
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <WholeNumberInput
          id={id}
          label={label}
          hint={hint}
          error={error}
          disabled={disabled}
          value={field.value as number | null}
          nullable={nullable}
          placeholder={placeholder}
          testId={testId}
          onBlur={field.onBlur}
          onChange={field.onChange}
        />
      )}
    />
  );
}

function WholeNumberInput(props: {
  id: string;
  label: string;
  hint?: string;
  error: string | null;
  disabled: boolean;
  value: number | null;
  nullable: boolean;
  placeholder?: string;
  testId: string;
  onBlur: () => void;
  onChange: (v: number | null) => void;
}) {
  const [text, setText] = useState(
    props.value === null || Number.isNaN(props.value) ? "" : String(props.value),
  );
  const parse = (raw: string): number | null => {
    const v = raw.trim();
    if (v === "") return props.nullable ? null : Number.NaN;
    // "1,5" is a fraction, as the schema says; "abc" is no number at all.
    return /^[-+]?\d+([.,]\d+)?$/.test(v) ? Number(v.replace(",", ".")) : Number.NaN;
  };
  return (
    <FieldFrame id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <Input
        id={props.id}
        inputMode="numeric"
        value={text}
        disabled={props.disabled}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        data-testid={props.testId}
        className="max-w-40"
        onBlur={props.onBlur}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(parse(e.target.value));
        }}
      />
    </FieldFrame>
  );
}

/** «Автоперезвоны в Digital воронке» (§2.7): pace, the live queue count with «Очистить», working hours, cooldown. */
export function AutoCallbackBlock({ control, disabled }: Props) {
  const t = useTranslations("integrationSettings.calls.autoCallback");
  const ctx = { control, disabled };
  const rate = useWatch({ control, name: "calls.autoCallback.ratePerMinute" });
  const trpc = useTRPC();
  const count = useQuery({ ...trpc.callbacks.count.queryOptions(), refetchInterval: COUNT_REFRESH_MS });
  const timeZone = count.data?.timeZone ?? "";
  const rateHint =
    rate === 0
      ? t("ratePaused")
      : rate === null
        ? t("rateDefault", { rate: AUTO_CALLBACK_DEFAULT_RATE })
        : t("rateHint");
  return (
    <Section title={t("title")} hint={t("hint")}>
      <div className="grid gap-4 sm:grid-cols-2">
        <WholeNumberField
          {...ctx}
          name="calls.autoCallback.ratePerMinute"
          label={t("rate")}
          hint={rateHint}
          nullable
          placeholder={String(AUTO_CALLBACK_DEFAULT_RATE)}
          testId="auto-callback-rate"
        />
        <QueueCount queued={count.data?.queued ?? null} />
      </div>
      <SwitchField
        {...ctx}
        name="calls.autoCallback.workingHours.enabled"
        label={t("hours.label")}
        hint={t("hours.hint")}
      />
      <Dependent control={control} on="calls.autoCallback.workingHours.enabled">
        <WorkingHours {...ctx} timeZone={timeZone} />
      </Dependent>
      <WholeNumberField
        {...ctx}
        name="calls.autoCallback.cooldownMinutes"
        label={t("cooldown")}
        hint={t("cooldownHint")}
        nullable={false}
        testId="auto-callback-cooldown"
      />
    </Section>
  );
}

function QueueCount({ queued }: { queued: number | null }) {
  const t = useTranslations("integrationSettings.calls.autoCallback");
  return (
    <div className="flex flex-col gap-1.5">
      <p className="text-sm font-medium" data-testid="auto-callback-queue">
        {t("queue")}: <span data-testid="auto-callback-queue-count">{queued ?? "…"}</span>
      </p>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {queued !== null && queued > 0 ? <ClearQueue queued={queued} /> : null}
        <Link
          href="/callbacks"
          className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
        >
          <ListOrdered className="size-4" />
          {t("openQueue")}
        </Link>
      </div>
    </div>
  );
}

function ClearQueue({ queued }: { queued: number }) {
  const t = useTranslations("integrationSettings.calls.autoCallback.clear");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const clear = useMutation(trpc.callbacks.clear.mutationOptions());
  const confirm = async () => {
    setError(null);
    try {
      await clear.mutateAsync();
    } catch (err) {
      setError(locale === "ru" && err instanceof TRPCClientError ? err.message : t("error"));
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.callbacks.count.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.callbacks.queue.queryKey() });
    setOpen(false);
  };
  return (
    <Dialog open={open} onOpenChange={(v) => (clear.isPending ? null : setOpen(v))}>
      <DialogTrigger asChild>
        <button
          type="button"
          data-testid="auto-callback-clear"
          className="text-destructive underline underline-offset-4 hover:no-underline"
        >
          {t("link")}
        </button>
      </DialogTrigger>
      <DialogContent closeLabel={t("cancel")} data-testid="auto-callback-clear-dialog">
        <DialogHeader>
          <DialogTitle>{t("title")}</DialogTitle>
          <DialogDescription>{t("description", { count: queued })}</DialogDescription>
        </DialogHeader>
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <div className="flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button type="button" variant="ghost" disabled={clear.isPending}>
              {t("cancel")}
            </Button>
          </DialogClose>
          <Button
            type="button"
            variant="destructive"
            disabled={clear.isPending}
            onClick={confirm}
            data-testid="auto-callback-clear-confirm"
          >
            {clear.isPending ? <LoaderCircle className="animate-spin" /> : null}
            {t("confirm")}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

function WorkingHours({ control, disabled, timeZone }: Props & { timeZone: string }) {
  const t = useTranslations("integrationSettings.calls.autoCallback.hours");
  const fromId = useId();
  const toId = useId();
  const daysError = useFieldError(control, "calls.autoCallback.workingHours.days");
  const fromError = useFieldError(control, "calls.autoCallback.workingHours.from");
  const toError = useFieldError(control, "calls.autoCallback.workingHours.to");
  return (
    <div className="flex flex-col gap-3" data-testid="auto-callback-hours">
      <Controller
        control={control}
        name="calls.autoCallback.workingHours.days"
        render={({ field }) => (
          <fieldset className="flex flex-col gap-1.5">
            <legend className="mb-1.5 text-sm font-medium">{t("days")}</legend>
            <div className="flex flex-wrap gap-1.5">
              {WEEKDAYS.map((d) => {
                const on = field.value.includes(d);
                return (
                  <Button
                    key={d}
                    type="button"
                    size="sm"
                    variant={on ? "default" : "outline"}
                    aria-pressed={on}
                    disabled={disabled}
                    onClick={() =>
                      field.onChange(on ? field.value.filter((x) => x !== d) : [...field.value, d].sort())
                    }
                  >
                    {t(`day${d}`)}
                  </Button>
                );
              })}
            </div>
            {daysError ? (
              <p role="alert" className="text-xs text-destructive">
                {daysError}
              </p>
            ) : null}
          </fieldset>
        )}
      />
      <div className="flex flex-wrap items-end gap-3">
        <Controller
          control={control}
          name="calls.autoCallback.workingHours.from"
          render={({ field }) => (
            <FieldFrame id={fromId} label={t("from")}>
              <Input
                id={fromId}
                inputMode="numeric"
                placeholder="09:00"
                maxLength={5}
                className="w-32"
                disabled={disabled}
                value={field.value}
                onChange={field.onChange}
                onBlur={field.onBlur}
              />
            </FieldFrame>
          )}
        />
        <Controller
          control={control}
          name="calls.autoCallback.workingHours.to"
          render={({ field }) => (
            <FieldFrame id={toId} label={t("to")}>
              <Input
                id={toId}
                inputMode="numeric"
                placeholder="18:00"
                maxLength={5}
                className="w-32"
                disabled={disabled}
                value={field.value}
                onChange={field.onChange}
                onBlur={field.onBlur}
              />
            </FieldFrame>
          )}
        />
        <p className="pb-2 text-sm text-muted-foreground" data-testid="auto-callback-timezone">
          {t("timeZone", { tz: timeZone || "…" })}
        </p>
      </div>
      {fromError || toError ? (
        <p role="alert" className="text-xs text-destructive">
          {fromError ?? toError}
        </p>
      ) : null}
    </div>
  );
}
