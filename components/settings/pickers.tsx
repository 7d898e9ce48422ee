"use client";

import * as SelectPrimitive from "@radix-ui/react-select";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { Controller, type FieldPathByValue } from "react-hook-form";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import type { IntegrationSettings, StageRef } from "@/lib/domain/settings/schema";
import { FieldFrame, type FormControl, type SettingsOptions, useFieldError } from "./fields";

type Ctx = { control: FormControl; disabled: boolean };
const NONE = "none";
const stageKey = (s: { pipelineId: number; statusId: number }) => `${s.pipelineId}:${s.statusId}`;

/**
 * A stage of the account's pipelines, grouped by pipeline. A stored stage missing from the lists (deleted
 * in amoCRM since) is shown as such, so the person sees what to fix before the save is refused.
 */
export function StageSelect({
  control,
  disabled,
  name,
  label,
  hint,
  options,
  allowDefault,
}: Ctx & {
  name: FieldPathByValue<IntegrationSettings, StageRef>;
  label: string;
  hint?: string;
  options: SettingsOptions;
  allowDefault: boolean;
}) {
  const t = useTranslations("integrationSettings");
  const id = useId();
  const formError = useFieldError(control, name);
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const value = field.value as StageRef;
        const known = value
          ? options.pipelines.some(
              (p) => p.id === value.pipelineId && p.statuses.some((s) => s.id === value.statusId),
            )
          : true;
        const gone = !known && options.pipelines.length > 0;
        const error = gone ? t("errors.stageGone") : formError;
        return (
          <FieldFrame
            id={id}
            label={label}
            hint={options.pipelines.length ? hint : t("stage.noPipelines")}
            error={error}
          >
            <Select
              value={value ? stageKey(value) : NONE}
              disabled={disabled}
              onValueChange={(v) => {
                if (v === NONE) return field.onChange(null);
                const [pipelineId, statusId] = v.split(":").map(Number);
                field.onChange({ pipelineId, statusId });
              }}
            >
              <SelectTrigger id={id} aria-label={label} aria-invalid={!!error} className="w-full max-w-md">
                <SelectValue placeholder={t("stage.placeholder")} />
              </SelectTrigger>
              <SelectContent>
                {allowDefault || !value ? (
                  <SelectItem value={NONE}>
                    {allowDefault ? t("stage.default") : t("stage.placeholder")}
                  </SelectItem>
                ) : null}
                {value && !known ? <SelectItem value={stageKey(value)}>{t("stage.gone")}</SelectItem> : null}
                {options.pipelines.map((p) => (
                  <SelectGroup key={p.id}>
                    <SelectPrimitive.Label className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground">
                      {p.name}
                    </SelectPrimitive.Label>
                    {p.statuses.map((s) => (
                      <SelectItem key={s.id} value={stageKey({ pipelineId: p.id, statusId: s.id })}>
                        {p.name} → {s.name}
                      </SelectItem>
                    ))}
                  </SelectGroup>
                ))}
              </SelectContent>
            </Select>
          </FieldFrame>
        );
      }}
    />
  );
}

/** An active amoCRM user of the account; `noneLabel` offers "nobody in particular" as a choice. */
export function UserSelect({
  control,
  disabled,
  name,
  label,
  options,
  noneLabel,
}: Ctx & {
  name: FieldPathByValue<IntegrationSettings, number | null>;
  label: string;
  options: SettingsOptions;
  noneLabel?: string;
}) {
  const t = useTranslations("integrationSettings");
  const id = useId();
  const formError = useFieldError(control, name);
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const value = field.value as number | null;
        const known = value === null || options.users.some((u) => u.id === value);
        const error = known ? formError : t("errors.userGone");
        return (
          <FieldFrame id={id} label={label} error={error}>
            <Select
              value={value === null ? NONE : String(value)}
              disabled={disabled}
              onValueChange={(v) => field.onChange(v === NONE ? null : Number(v))}
            >
              <SelectTrigger id={id} aria-label={label} aria-invalid={!!error} className="w-full max-w-md">
                <SelectValue placeholder={t("user.placeholder")} />
              </SelectTrigger>
              <SelectContent>
                {noneLabel || value === null ? (
                  <SelectItem value={NONE}>{noneLabel ?? t("user.placeholder")}</SelectItem>
                ) : null}
                {!known ? <SelectItem value={String(value)}>{t("user.gone")}</SelectItem> : null}
                {options.users.map((u) => (
                  <SelectItem key={u.id} value={String(u.id)}>
                    {u.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </FieldFrame>
        );
      }}
    />
  );
}
