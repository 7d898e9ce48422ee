"use client";

import * as SelectPrimitive from "@radix-ui/react-select";
import { useQuery } from "@tanstack/react-query";
import { PhoneOutgoing, ShieldAlert } from "lucide-react";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { Controller, useWatch } from "react-hook-form";
import { Label } from "@/components/ui/label";
import {
  Select,
  SelectContent,
  SelectGroup,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/client";
import { Block, Checkbox, FieldError, type RuleFormCtx } from "../form-bits";
import type { CallbackFormValues, RuleFormValues } from "../form-values";

const NONE = "none";

/** What the callback action offers (rules.callbackOptions), loaded once per editor. */
export function useCallbackOptions() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.rules.callbackOptions.queryOptions(), staleTime: 60_000 });
}

/**
 * «Совершать автоперезвон»: who is rung first (the deal's responsible, an employee with a mapped extension,
 * a MANGO group by name), the line the client sees (the employee's default unless chosen; a group needs
 * one), a task on failure, and the stages after success / failure. The same fields in the portal and in the
 * widget's DP iframe. A member without a mapped extension is told before saving that the server refuses it.
 */
export function CallbackActionFields({ context, disabled }: RuleFormCtx) {
  const t = useTranslations("rules.form.callback");
  const enabled = useWatch<RuleFormValues, "callback.enabled">({ name: "callback.enabled" });
  const targetType = useWatch<RuleFormValues, "callback.targetType">({ name: "callback.targetType" });
  const options = useCallbackOptions();
  const ids = { enabled: useId(), target: useId(), employee: useId(), group: useId(), line: useId() };
  const employees = options.data?.employees ?? [];
  const groups = options.data?.groups ?? [];
  const lines = options.data?.lines ?? [];
  return (
    <Block title={t("title")} hint={t("hint")}>
      <div className="flex items-center gap-3">
        <Controller
          name="callback.enabled"
          render={({ field }) => (
            <Switch
              id={ids.enabled}
              checked={field.value}
              onCheckedChange={field.onChange}
              disabled={disabled}
              data-testid="callback-enabled"
            />
          )}
        />
        <Label htmlFor={ids.enabled} className="flex items-center gap-1.5">
          <PhoneOutgoing className="size-4" />
          {t("enable")}
        </Label>
      </div>
      {enabled ? (
        <div
          className="ml-5 flex flex-col gap-4 border-l-2 border-primary/20 pl-4"
          data-testid="callback-fields"
        >
          {context.me.hasExtension ? null : (
            <p
              role="note"
              className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
              data-testid="callback-needs-extension"
            >
              <ShieldAlert className="mt-0.5 size-4 shrink-0" />
              {t("needsExtension")}
            </p>
          )}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.target}>{t("target")}</Label>
            <Controller
              name="callback.targetType"
              render={({ field }) => (
                <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
                  <SelectTrigger id={ids.target} aria-label={t("target")} className="w-full max-w-md">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    <SelectItem value="responsible">{t("targets.responsible")}</SelectItem>
                    <SelectItem value="employee">{t("targets.employee")}</SelectItem>
                    <SelectItem value="group">{t("targets.group")}</SelectItem>
                  </SelectContent>
                </Select>
              )}
            />
            <p className="text-xs text-muted-foreground">{t(`targetHints.${targetType}`)}</p>
          </div>
          {targetType === "employee" ? (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={ids.employee}>{t("employee")}</Label>
              <Controller
                name="callback.amoUserId"
                render={({ field }) => (
                  <Select value={field.value || undefined} onValueChange={field.onChange} disabled={disabled}>
                    <SelectTrigger id={ids.employee} aria-label={t("employee")} className="w-full max-w-md">
                      <SelectValue placeholder={t("employeePlaceholder")} />
                    </SelectTrigger>
                    <SelectContent>
                      {employees.map((e) => (
                        <SelectItem key={e.amoUserId} value={String(e.amoUserId)}>
                          {e.name} · {t("extension", { extension: e.extension })}
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                )}
              />
              <p className="text-xs text-muted-foreground">
                {employees.length === 0 && options.isSuccess ? t("noEmployees") : t("employeeHint")}
              </p>
              <FieldError name="callback.amoUserId" />
            </div>
          ) : null}
          {targetType === "group" ? (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={ids.group}>{t("group")}</Label>
              <Controller
                name="callback.mangoGroupId"
                render={({ field }) => (
                  <Select value={field.value || undefined} onValueChange={field.onChange} disabled={disabled}>
                    <SelectTrigger id={ids.group} aria-label={t("group")} className="w-full max-w-md">
                      <SelectValue placeholder={t("groupPlaceholder")} />
                    </SelectTrigger>
                    <SelectContent>
                      {groups.map((g) => (
                        <SelectItem key={g.groupId} value={String(g.groupId)}>
                          {g.name}
                        </SelectItem>
                      ))}
                    </SelectContent>
                  </Select>
                )}
              />
              {groups.length === 0 && options.isSuccess ? (
                <p className="text-xs text-muted-foreground">{t("noGroups")}</p>
              ) : null}
              <FieldError name="callback.mangoGroupId" />
            </div>
          ) : null}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.line}>{t("line")}</Label>
            <Controller
              name="callback.lineNumber"
              render={({ field }) => (
                <Select
                  value={field.value || NONE}
                  onValueChange={(v) => field.onChange(v === NONE ? "" : v)}
                  disabled={disabled}
                >
                  <SelectTrigger id={ids.line} aria-label={t("line")} className="w-full max-w-md">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    <SelectItem value={NONE}>
                      {targetType === "group" ? t("linePlaceholder") : t("lineDefault")}
                    </SelectItem>
                    {field.value && !lines.some((l) => l.number === field.value) ? (
                      <SelectItem value={field.value}>{field.value}</SelectItem>
                    ) : null}
                    {lines.map((l) => (
                      <SelectItem key={l.number} value={l.number}>
                        {l.number}
                        {l.name || l.comment ? ` · ${l.name || l.comment}` : ""}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            />
            {options.data?.linesProblem ? (
              <p role="note" className="text-xs text-amber-800" data-testid="callback-lines-problem">
                {options.data.linesProblem}
              </p>
            ) : options.isError ? (
              <p role="note" className="text-xs text-amber-800">
                {t("optionsError")}
              </p>
            ) : (
              <p className="text-xs text-muted-foreground">
                {targetType === "group" ? t("lineGroupHint") : t("lineHint")}
              </p>
            )}
            <FieldError name="callback.lineNumber" />
          </div>
          <Controller
            name="callback.taskOnFailure"
            render={({ field }) => (
              <Checkbox
                id="callback-task-on-failure"
                label={t("taskOnFailure")}
                hint={t("taskOnFailureHint")}
                checked={field.value}
                disabled={disabled}
                onChange={(e) => field.onChange(e.target.checked)}
              />
            )}
          />
          <div className="grid gap-4 lg:grid-cols-2">
            <StageField
              name="callback.stageOnFailure"
              label={t("stageOnFailure")}
              context={context}
              disabled={disabled}
            />
            <StageField
              name="callback.stageOnSuccess"
              label={t("stageOnSuccess")}
              context={context}
              disabled={disabled}
            />
          </div>
        </div>
      ) : null}
    </Block>
  );
}

/**
 * A stage of the account's pipelines, grouped by pipeline (as the settings' stage picker), or "stay". Also
 * the campaign action's «Перенести сделку на этап».
 */
export function StageField({
  name,
  label,
  context,
  disabled,
}: RuleFormCtx & {
  name: `callback.${keyof Pick<CallbackFormValues, "stageOnSuccess" | "stageOnFailure">}` | "campaign.stage";
  label: string;
}) {
  const t = useTranslations("rules.form.callback");
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Controller
        name={name}
        render={({ field }) => (
          <Select
            value={field.value || NONE}
            onValueChange={(v) => field.onChange(v === NONE ? "" : v)}
            disabled={disabled}
          >
            <SelectTrigger id={id} aria-label={label} className="w-full max-w-md">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={NONE}>{t("stageStay")}</SelectItem>
              {context.pipelines.map((p) => (
                <SelectGroup key={p.id}>
                  <SelectPrimitive.Label className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground">
                    {p.name}
                  </SelectPrimitive.Label>
                  {p.statuses.map((s) => (
                    <SelectItem key={s.id} value={`${p.id}:${s.id}`}>
                      {p.name} → {s.name}
                    </SelectItem>
                  ))}
                </SelectGroup>
              ))}
            </SelectContent>
          </Select>
        )}
      />
    </div>
  );
}
