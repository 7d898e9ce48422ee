"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { Controller, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { AUTO_CALLBACK_DEFAULT_RATE } from "@/lib/domain/settings/schema";
import { useTRPC } from "@/lib/trpc/client";
import { QueueCount } from "./auto-callback-queue";
import { Dependent, FieldFrame, type FormControl, Section, SwitchField, useFieldError } from "./fields";
import { WholeNumberField } from "./whole-number-field";

type Props = { control: FormControl; disabled: boolean };

/** The queue count is polled while the settings are open. */
const COUNT_REFRESH_MS = 15_000;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

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
