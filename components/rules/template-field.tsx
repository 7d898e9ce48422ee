"use client";

import { useTranslations } from "next-intl";
import { useId, useRef } from "react";
import { Controller, useFormContext, useWatch } from "react-hook-form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { estimateSmsTemplate } from "@/lib/domain/sms/preview-estimate";
import type { SmsSegmentCount } from "@/lib/domain/sms/segments";
import { cn } from "@/lib/utils";
import { FieldError, type RuleFormCtx, textareaClass } from "./form-bits";
import type { RuleFormValues } from "./form-values";
import type { MacroGroup } from "./types";

type Macro = MacroGroup["macros"][number];
export type RenderedCount = { count: SmsSegmentCount; limit: number };

const isCustom = (m: Macro) => m.key.includes(".cf.");

/**
 * The SMS text with the macro lists under it. A macro goes where the cursor is (or replaces the selection),
 * not at the end as in MANGO's own dialog: the person writes the sentence around it.
 */
export function TemplateField({
  context,
  disabled,
  rendered,
}: RuleFormCtx & { rendered: RenderedCount | null }) {
  const t = useTranslations("rules.form");
  const id = useId();
  const area = useRef<HTMLTextAreaElement | null>(null);
  const { control, getValues, setValue, formState } = useFormContext<RuleFormValues>();

  const insert = (token: string) => {
    const el = area.current;
    const value = getValues("template");
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    setValue("template", value.slice(0, start) + token + value.slice(end), {
      shouldDirty: true,
      shouldValidate: formState.isSubmitted,
    });
    // After React has written the new value: the cursor goes right after the inserted macro.
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const groups: { key: string; macros: { macro: Macro; label: string }[] }[] = [
    ...context.macros.map((g) => ({
      key: g.group,
      macros: g.macros.filter((m) => !isCustom(m)).map((macro) => ({ macro, label: macro.label })),
    })),
    {
      key: "custom",
      macros: context.macros.flatMap((g) =>
        g.macros.filter(isCustom).map((macro) => ({
          macro,
          label:
            g.group === "lead"
              ? t("macroLead", { label: macro.label })
              : t("macroContact", { label: macro.label }),
        })),
      ),
    },
  ].filter((g) => g.macros.length > 0);

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={id}>{t("template")}</Label>
        <Controller
          control={control}
          name="template"
          render={({ field, fieldState }) => (
            <textarea
              {...field}
              ref={(el) => {
                field.ref(el);
                area.current = el;
              }}
              id={id}
              rows={4}
              placeholder={t("templatePlaceholder")}
              disabled={disabled}
              aria-invalid={fieldState.invalid || undefined}
              className={textareaClass}
              data-testid="sms-template"
            />
          )}
        />
        <Counter rendered={rendered} />
        <FieldError name="template" />
      </div>
      <div className="flex flex-col gap-2" data-testid="macro-lists">
        <p className="text-xs text-muted-foreground">{t("macrosHint")}</p>
        {groups.map((g) => (
          <div key={g.key} className="flex flex-col gap-1" data-testid={`macros-${g.key}`}>
            <span className="text-xs font-medium">{t(`macroGroups.${g.key}`)}</span>
            <div className="flex flex-wrap gap-1">
              {g.macros.map(({ macro, label }) => (
                <button
                  key={macro.key}
                  type="button"
                  disabled={disabled}
                  title={`${macro.token} — ${macro.example}`}
                  // Keep the focus (and the cursor) in the text field.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insert(macro.token)}
                  data-token={macro.token}
                  className="rounded-full border bg-background px-2.5 py-0.5 text-xs hover:bg-accent disabled:opacity-50"
                >
                  {label}
                </button>
              ))}
            </div>
          </div>
        ))}
      </div>
      <FallbackField disabled={disabled} />
    </div>
  );
}

/** Characters, encoding, segments and MANGO's limit: of the rendered text when a deal is picked, else estimated. */
function Counter({ rendered }: { rendered: RenderedCount | null }) {
  const t = useTranslations("rules.form");
  const template = useWatch<RuleFormValues, "template">({ name: "template" });
  const estimate = estimateSmsTemplate(template ?? "");
  const { count, limit } = rendered ?? { count: estimate.length.count, limit: estimate.length.limit };
  const over = count.units > limit;
  return (
    <div className="flex flex-col gap-0.5 text-xs" data-testid="sms-counter">
      <span className={cn("tabular-nums", over ? "font-medium text-destructive" : "text-muted-foreground")}>
        {t("counter", {
          encoding: count.encoding,
          segments: count.segments,
          units: count.units,
          limit,
        })}
      </span>
      <span className="text-muted-foreground">{rendered ? t("counterRendered") : t("counterEstimate")}</span>
      {over ? (
        <span role="alert" className="text-destructive" data-testid="sms-over-limit">
          {t("overLimit", { limit, encoding: count.encoding, over: count.units - limit })}
        </span>
      ) : null}
    </div>
  );
}

function FallbackField({ disabled }: { disabled: boolean }) {
  const t = useTranslations("rules.form");
  const id = useId();
  const { control } = useFormContext<RuleFormValues>();
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{t("fallback")}</Label>
      <Controller
        control={control}
        name="fallback"
        render={({ field }) => (
          <Input {...field} id={id} maxLength={200} disabled={disabled} className="max-w-md" />
        )}
      />
      <p className="text-xs text-muted-foreground">{t("fallbackHint")}</p>
      <FieldError name="fallback" />
    </div>
  );
}
