"use client";

import { TRPCClientError } from "@trpc/client";
import { LoaderCircle, ShieldAlert } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { Controller, FormProvider, useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { CallbackActionFields, useCallbackOptions } from "./actions/callback-action-fields";
import { CampaignActionFields } from "./actions/campaign-action-fields";
import { ConditionsEditor } from "./conditions-editor";
import { Block, Checkbox, FieldError } from "./form-bits";
import { formPathOf, keyedResolver } from "./form-issues";
import {
  canApplyToCurrentDeals,
  draftOf,
  emptyForm,
  formFromRule,
  OFFERED_TRIGGERS,
  type RuleFormValues,
  ruleFormSchema,
  ruleFormSchemaWithoutSms,
  UNAVAILABLE_TRIGGERS,
} from "./form-values";
import { RecipientsField, SenderField } from "./recipients-field";
import { namesOf, SmsPreviewPanel, useSmsPreview } from "./sms-preview";
import { TemplateField } from "./template-field";
import type { EditorContext, StoredRule } from "./types";
import type { StageRulesApi } from "./use-rules";

type Props = {
  stage: { pipelineId: number; statusId: number };
  context: EditorContext;
  rule: StoredRule | null;
  save: StageRulesApi["save"];
  /** The saved rule and, when "apply to current deals" started a run, its id; null on cancel. */
  onDone: (saved: { rule: StoredRule; applicationId?: string } | null) => void;
};

/** Why the caller cannot save: every action this editor makes (SMS) needs a mapped extension. */
export function saveBlockOf(context: EditorContext): "no_extension" | null {
  return context.me.canEdit && context.me.hasExtension ? null : "no_extension";
}

/**
 * The rule editor: one rule of one stage, created or changed, with its actions (SMS with a live preview,
 * auto-callback, Contact Center campaign).
 */
export function RuleForm({ stage, context, rule, save, onDone }: Props) {
  const t = useTranslations("rules.form");
  const tp = useTranslations("rules.permission");
  const locale = useLocale();
  const form = useForm<RuleFormValues>({
    resolver: keyedResolver(ruleFormSchema, (v) =>
      v.smsEnabled ? null : (ruleFormSchemaWithoutSms as unknown as typeof ruleFormSchema),
    ),
    defaultValues: rule ? formFromRule(rule) : emptyForm(context.senderNames[0] ?? ""),
  });
  const preview = useSmsPreview(form.control, stage, context);
  const callbackOptions = useCallbackOptions();
  const smsEnabled = useWatch({ control: form.control, name: "smsEnabled" });
  const [error, setError] = useState<{ text: string; forbidden: boolean; invalid?: boolean } | null>(null);
  // «Проверьте выделенные поля» is about the values of that attempt: it goes once they are edited (the
  // fields' own messages stay until they are fixed); the server's refusals stay until the next save.
  const invalidShown = error?.invalid === true;
  useEffect(() => {
    if (!invalidShown) return;
    const sub = form.watch(() => setError((e) => (e?.invalid ? null : e)));
    return () => sub.unsubscribe();
  }, [invalidShown, form]);
  const block = saveBlockOf(context);
  const disabled = block !== null || save.isPending;
  const rendered = preview.result?.found && preview.result.text.ok ? preview.result.text : null;
  const renderedOver = rendered ? rendered.count.units > rendered.limit : false;

  const errorOf = (err: unknown) => {
    const data =
      err instanceof TRPCClientError
        ? (err.data as { code?: string; zodError?: { path: string; message: string }[] | null } | undefined)
        : undefined;
    const code = data?.code;
    const message = err instanceof TRPCClientError ? err.message : "";
    // The server refused a field: its message goes under that field, the alert asks to look there.
    const fieldIssues = (data?.zodError ?? []).map((i) => ({ ...i, field: formPathOf(i.path) }));
    for (const issue of fieldIssues)
      if (issue.field)
        form.setError(issue.field as keyof RuleFormValues, { type: "server", message: issue.message });
    if (fieldIssues.length > 0) {
      const unplaced = fieldIssues.find((i) => !i.field);
      return { text: unplaced && locale === "ru" ? unplaced.message : t("invalid"), forbidden: false };
    }
    // The template checks that need the macro catalogue (unknown macro, MANGO's limit) are the server's own.
    if (code === "BAD_REQUEST" && message) form.setError("template", { type: "server", message });
    if (code === "FORBIDDEN")
      return { text: locale === "ru" && message ? message : tp("no_extension"), forbidden: true };
    // The server writes its refusals in Russian and names what is wrong.
    if (locale === "ru" && code && message && code !== "INTERNAL_SERVER_ERROR")
      return { text: message, forbidden: false };
    const key = code && t.has(`errors.${code}`) ? `errors.${code}` : "errors.generic";
    return { text: t(key as "errors.generic"), forbidden: false };
  };

  const onValid = async (values: RuleFormValues) => {
    setError(null);
    if (values.smsEnabled && renderedOver) return setError({ text: t("errors.overLimit"), forbidden: false });
    try {
      const keep = rule?.actions ?? [];
      const res = await save.mutateAsync({
        id: rule?.id,
        rule: draftOf(
          values,
          stage,
          {
            ...namesOf(context),
            groups: new Map((callbackOptions.data?.groups ?? []).map((g) => [g.groupId, g.name])),
          },
          keep,
        ),
      });
      onDone(res);
    } catch (err) {
      setError(errorOf(err));
    }
  };

  return (
    <FormProvider {...form}>
      <form
        noValidate
        onSubmit={form.handleSubmit(onValid, () =>
          setError({ text: t("invalid"), forbidden: false, invalid: true }),
        )}
        className="flex flex-col gap-5 rounded-xl border bg-card p-4 shadow-xs"
        data-testid="rule-form"
      >
        <h3 className="text-base font-semibold">
          {rule ? t("titleEdit", { name: rule.name || rule.id.slice(0, 8) }) : t("titleNew")}
        </h3>
        {block ? (
          <div
            role="note"
            className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            data-testid="save-blocked"
          >
            <ShieldAlert className="mt-0.5 size-4 shrink-0" />
            <span>{tp(block)}</span>
          </div>
        ) : null}
        <Basics disabled={disabled} />
        <ConditionsEditor context={context} disabled={disabled} />
        <Block title={t("sms")}>
          <SmsEnabledField disabled={disabled} />
          {smsEnabled ? (
            <>
              <RecipientsField context={context} disabled={disabled} />
              <SenderField context={context} disabled={disabled} />
              <div className="grid gap-4 lg:grid-cols-2">
                <TemplateField context={context} disabled={disabled} rendered={rendered} />
                <SmsPreviewPanel state={preview} stage={stage} />
              </div>
            </>
          ) : null}
        </Block>
        <CallbackActionFields context={context} disabled={disabled} />
        <CampaignActionFields context={context} disabled={disabled} />
        <ApplyCurrentField disabled={disabled} />
        <div className="flex flex-wrap items-center gap-3 border-t pt-4">
          <Button type="submit" disabled={disabled}>
            {save.isPending ? <LoaderCircle className="size-4 animate-spin" /> : null}
            {save.isPending ? t("saving") : t("save")}
          </Button>
          <Button type="button" variant="outline" onClick={() => onDone(null)}>
            {t("cancel")}
          </Button>
          {error ? (
            <span
              role="alert"
              data-testid={error.forbidden ? "save-forbidden" : "save-error"}
              className="text-sm text-destructive"
            >
              {error.text}
            </span>
          ) : null}
        </div>
      </form>
    </FormProvider>
  );
}

/** «Отправить SMS по шаблону» on or off (a rule may only call back); a rule needs at least one action. */
function SmsEnabledField({ disabled }: { disabled: boolean }) {
  const t = useTranslations("rules.form");
  return (
    <div className="flex flex-col gap-1">
      <Controller
        name="smsEnabled"
        render={({ field }) => (
          <Checkbox
            id="sms-enabled"
            label={t("smsEnabled")}
            checked={field.value}
            disabled={disabled}
            onChange={(e) => field.onChange(e.target.checked)}
          />
        )}
      />
      <FieldError name="smsEnabled" />
    </div>
  );
}

/** Name, on/off and the trigger; "оплата счёта" is listed but cannot be chosen, with the reason. */
function Basics({ disabled }: { disabled: boolean }) {
  const t = useTranslations("rules.form");
  const tt = useTranslations("rules");
  const ids = { name: useId(), enabled: useId(), trigger: useId() };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={ids.name}>{t("name")}</Label>
        <Controller
          name="name"
          render={({ field }) => (
            <Input {...field} id={ids.name} placeholder={t("namePlaceholder")} disabled={disabled} />
          )}
        />
        <FieldError name="name" />
      </div>
      <div className="flex items-end gap-3 pb-2">
        <Controller
          name="enabled"
          render={({ field }) => (
            <Switch
              id={ids.enabled}
              checked={field.value}
              onCheckedChange={field.onChange}
              disabled={disabled}
            />
          )}
        />
        <Label htmlFor={ids.enabled}>{t("enabled")}</Label>
      </div>
      <div className="flex flex-col gap-1.5 sm:col-span-2">
        <Label htmlFor={ids.trigger}>{t("trigger")}</Label>
        <Controller
          name="trigger"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
              <SelectTrigger id={ids.trigger} aria-label={t("trigger")} className="w-full max-w-md">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {OFFERED_TRIGGERS.map((k) => (
                  <SelectItem key={k} value={k}>
                    {tt(`triggers.${k}`)}
                  </SelectItem>
                ))}
                {UNAVAILABLE_TRIGGERS.map((k) => (
                  <SelectItem key={k} value={k} disabled>
                    {tt(`triggers.${k}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
        <p className="text-xs text-muted-foreground">{t("triggerHint")}</p>
        <p className="text-xs text-muted-foreground" data-testid="trigger-unavailable">
          {tt("triggerUnavailable")}
        </p>
        <FieldError name="trigger" />
      </div>
    </div>
  );
}

/**
 * "Применить триггер к текущим сделкам в статусе": a one-shot action of this save (unchecked whenever the
 * form opens; the last application shows on the rule's card). Only for the stage-entry triggers — for a
 * lost deal or a changed responsible the deals now in the stage never had that event.
 */
function ApplyCurrentField({ disabled }: { disabled: boolean }) {
  const t = useTranslations("rules.form");
  const trigger = useWatch<RuleFormValues, "trigger">({ name: "trigger" });
  const allowed = canApplyToCurrentDeals(trigger);
  return (
    <Controller
      name="applyToCurrentDeals"
      render={({ field }) => (
        <Checkbox
          id="apply-current"
          label={t("applyCurrent")}
          hint={
            allowed ? (
              t("applyCurrentHint")
            ) : (
              <span data-testid="apply-current-unavailable">{t("applyCurrentUnavailable")}</span>
            )
          }
          checked={allowed && field.value}
          disabled={disabled || !allowed}
          onChange={(e) => field.onChange(e.target.checked)}
        />
      )}
    />
  );
}
