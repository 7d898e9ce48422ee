"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { type ReactNode, useId } from "react";
import { type Control, Controller, type FieldPathByValue, useFormState, useWatch } from "react-hook-form";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import type { IntegrationSettings } from "@/lib/domain/settings/schema";
import type { AppRouter } from "@/server/trpc/router";

export type SettingsOptions = inferRouterOutputs<AppRouter>["settings"]["get"]["options"];
export type FormControl = Control<IntegrationSettings>;
type Ctx = { control: FormControl; disabled: boolean };

/** A titled block of a tab. */
export function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-4 border-b pb-6 last:border-b-0 last:pb-0">
      <div className="flex flex-col gap-1">
        <h3 className="text-sm font-semibold">{title}</h3>
        {hint ? <p className="text-sm text-muted-foreground">{hint}</p> : null}
      </div>
      {children}
    </section>
  );
}

/** Children of a flag: shown only while it is on; their values stay in the form while it is off. */
export function Dependent({
  control,
  on,
  children,
}: {
  control: FormControl;
  on: FieldPathByValue<IntegrationSettings, boolean>;
  children: ReactNode;
}) {
  const value = useWatch({ control, name: on });
  if (!value) return null;
  return (
    <div
      data-testid={`children-of-${on}`}
      className="ml-5 flex flex-col gap-4 border-l-2 border-primary/20 pl-4"
    >
      {children}
    </div>
  );
}

export function SwitchField({
  control,
  disabled,
  name,
  label,
  hint,
}: Ctx & { name: FieldPathByValue<IntegrationSettings, boolean>; label: string; hint?: string }) {
  const id = useId();
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <div className="flex items-start gap-3">
          <Switch
            id={id}
            checked={field.value}
            disabled={disabled}
            onCheckedChange={field.onChange}
            onBlur={field.onBlur}
            className="mt-0.5"
          />
          <div className="flex flex-col gap-1">
            <Label htmlFor={id} className="leading-snug">
              {label}
            </Label>
            {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
          </div>
        </div>
      )}
    />
  );
}

export function FieldFrame({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The form's own validation message (keys of integrationSettings.errors), translated. */
export function useFieldError(control: FormControl, name: string): string | null {
  const t = useTranslations("integrationSettings.errors");
  const { errors } = useFormState({ control, name: name as never });
  const error = name
    .split(".")
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], errors) as
    | { message?: string }
    | undefined;
  if (!error?.message) return null;
  return error.message === "userRequired" || error.message === "stageRequired"
    ? t(error.message)
    : error.message;
}

/** One of a closed list of actions (new / repeat client). */
export function ChoiceSelect<V extends string>({
  control,
  disabled,
  name,
  label,
  hint,
  choices,
}: Ctx & {
  name: FieldPathByValue<IntegrationSettings, V>;
  label: string;
  hint?: string;
  choices: { value: V; label: string }[];
}) {
  const id = useId();
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <FieldFrame id={id} label={label} hint={hint}>
          <Select value={field.value as string} disabled={disabled} onValueChange={field.onChange}>
            <SelectTrigger id={id} aria-label={label} className="w-full max-w-md">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {choices.map((c) => (
                <SelectItem key={c.value} value={c.value}>
                  {c.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FieldFrame>
      )}
    />
  );
}
