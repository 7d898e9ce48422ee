"use client";

import { Plus, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Controller, useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Block, FieldError, type RuleFormCtx } from "./form-bits";
import {
  CONDITION_KINDS,
  type ConditionKind,
  newCondition,
  OPS_OF,
  type RuleFormValues,
} from "./form-values";

/** Conditions: all / any, then rows of tag / budget / responsible / custom field. */
export function ConditionsEditor({ context, disabled }: RuleFormCtx) {
  const t = useTranslations("rules.form");
  const { control } = useFormContext<RuleFormValues>();
  const rows = useFieldArray({ control, name: "conditions" });
  return (
    <Block title={t("conditions")} hint={t("conditionsHint")}>
      {rows.fields.length > 1 ? (
        <Controller
          control={control}
          name="mode"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
              <SelectTrigger aria-label={t("aria.mode")} className="w-64">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="all">{t("mode.all")}</SelectItem>
                <SelectItem value="any">{t("mode.any")}</SelectItem>
              </SelectContent>
            </Select>
          )}
        />
      ) : null}
      {rows.fields.map((row, index) => (
        <ConditionRowEditor
          key={row.id}
          index={index}
          context={context}
          disabled={disabled}
          onRemove={() => rows.remove(index)}
        />
      ))}
      {context.fields.problem ? (
        <p className="text-xs text-muted-foreground">{t(`fieldsUnavailable.${context.fields.problem}`)}</p>
      ) : null}
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={disabled || rows.fields.length >= 20}
          onClick={() => rows.append(newCondition())}
        >
          <Plus />
          {t("addCondition")}
        </Button>
      </div>
    </Block>
  );
}

function ConditionRowEditor({
  index,
  context,
  disabled,
  onRemove,
}: RuleFormCtx & { index: number; onRemove: () => void }) {
  const t = useTranslations("rules.form");
  const { control, setValue } = useFormContext<RuleFormValues>();
  const kind = useWatch({ control, name: `conditions.${index}.kind` });
  const op = useWatch({ control, name: `conditions.${index}.op` });
  const n = index + 1;
  const takesValue = kind !== "responsible" && op !== "empty" && op !== "not_empty";
  return (
    <div className="flex flex-col gap-1" data-testid={`condition-${index}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Controller
          control={control}
          name={`conditions.${index}.kind`}
          render={({ field }) => (
            <Select
              value={field.value}
              disabled={disabled}
              onValueChange={(v) => {
                const next = newCondition(v as ConditionKind);
                field.onChange(next.kind);
                setValue(`conditions.${index}.op`, next.op);
                setValue(`conditions.${index}.value`, "");
              }}
            >
              <SelectTrigger aria-label={t("aria.kind", { n })} className="w-40">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {CONDITION_KINDS.map((k) => (
                  <SelectItem key={k} value={k}>
                    {t(`kinds.${k}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
        {kind === "custom_field" ? (
          <Controller
            control={control}
            name={`conditions.${index}.fieldId`}
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
                <SelectTrigger aria-label={t("aria.field", { n })} className="w-48">
                  <SelectValue placeholder={t("chooseField")} />
                </SelectTrigger>
                <SelectContent>
                  {context.fields.lead.map((f) => (
                    <SelectItem key={f.id} value={String(f.id)}>
                      {f.name}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        ) : null}
        {kind !== "responsible" ? (
          <Controller
            control={control}
            name={`conditions.${index}.op`}
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
                <SelectTrigger aria-label={t("aria.op", { n })} className="w-32">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {OPS_OF[kind].map((o) => (
                    <SelectItem key={o} value={o}>
                      {t(`ops.${o}`)}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        ) : (
          <Controller
            control={control}
            name={`conditions.${index}.userId`}
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
                <SelectTrigger aria-label={t("aria.user", { n })} className="w-56">
                  <SelectValue placeholder={t("chooseUser")} />
                </SelectTrigger>
                <SelectContent>
                  {context.users.map((u) => (
                    <SelectItem key={u.amoUserId} value={String(u.amoUserId)}>
                      {u.name}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          />
        )}
        {takesValue ? (
          <Controller
            control={control}
            name={`conditions.${index}.value`}
            render={({ field }) => (
              <Input
                {...field}
                aria-label={t("aria.value", { n })}
                placeholder={t("valuePlaceholder")}
                inputMode={kind === "budget" ? "numeric" : undefined}
                disabled={disabled}
                className="w-40"
              />
            )}
          />
        ) : null}
        <Button
          type="button"
          variant="ghost"
          size="icon"
          aria-label={t("aria.remove", { n })}
          disabled={disabled}
          onClick={onRemove}
        >
          <X />
        </Button>
      </div>
      <FieldError name={`conditions.${index}.value`} />
      <FieldError name={`conditions.${index}.userId`} />
      <FieldError name={`conditions.${index}.fieldId`} />
    </div>
  );
}
