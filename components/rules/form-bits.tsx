"use client";

import { useTranslations } from "next-intl";
import type { ComponentProps, ReactNode } from "react";
import { type FieldPath, useFormState } from "react-hook-form";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import { splitFormMessage } from "./form-issues";
import type { RuleFormValues } from "./form-values";
import type { EditorContext } from "./types";

export type RuleFormCtx = {
  context: EditorContext;
  disabled: boolean;
};

/** A titled block of the editor. */
export function Block({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-3 border-b pb-5 last:border-b-0 last:pb-0">
      <div className="flex flex-col gap-0.5">
        <h3 className="text-sm font-semibold">{title}</h3>
        {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      </div>
      {children}
    </section>
  );
}

/** The form's message for one field (a key of `rules.form.errors`, maybe with its limit), translated. */
export function FieldError({ name }: { name: FieldPath<RuleFormValues> }) {
  const t = useTranslations("rules.form.errors");
  const { errors } = useFormState<RuleFormValues>({ name });
  const error = name
    .split(".")
    .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], errors) as
    | { message?: string; root?: { message?: string } }
    | undefined;
  const message = error?.message ?? error?.root?.message;
  if (!message) return null;
  const [key, values] = splitFormMessage(message);
  return (
    <p role="alert" className="text-xs text-destructive" data-testid={`error-${name}`}>
      {t.has(key) ? t(key, values) : message}
    </p>
  );
}

export function Checkbox({
  id,
  label,
  hint,
  className,
  ...props
}: Omit<ComponentProps<"input">, "type"> & { id: string; label: ReactNode; hint?: ReactNode }) {
  return (
    <div className={cn("flex items-start gap-2.5", className)}>
      <input
        id={id}
        type="checkbox"
        className="mt-0.5 size-4 shrink-0 accent-primary disabled:cursor-not-allowed disabled:opacity-50"
        {...props}
      />
      <div className="flex flex-col gap-0.5">
        <Label htmlFor={id} className={cn("leading-snug", props.disabled && "opacity-60")}>
          {label}
        </Label>
        {hint ? <div className="text-xs text-muted-foreground">{hint}</div> : null}
      </div>
    </div>
  );
}

export const textareaClass =
  "min-h-28 w-full rounded-md border border-input bg-transparent px-3 py-2 text-sm shadow-xs outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive";
