"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Controller, useFormContext } from "react-hook-form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Checkbox, FieldError, type RuleFormCtx } from "./form-bits";
import type { RuleFormValues } from "./form-values";
import type { EditorUser } from "./types";

/**
 * Кому: the client, the deal's responsible, "лично мне". An employee gets an SMS only at the mobile of
 * their mapped MANGO extension, so the list of who cannot get one — and why — is always in view.
 */
export function RecipientsField({ context, disabled }: RuleFormCtx) {
  const t = useTranslations("rules.form");
  const { control } = useFormContext<RuleFormValues>();
  const ids = { client: useId(), responsible: useId(), author: useId() };
  const me = context.me.sms;
  const reason = (u: EditorUser) => (u.code ? t(`reason.${u.code}`, { extension: u.extension ?? "" }) : "");
  const reachable = context.users.filter((u) => u.available);
  const unreachable = context.users.filter((u) => !u.available);
  return (
    <div className="flex flex-col gap-3" data-testid="recipients">
      <Label>{t("recipients")}</Label>
      <Controller
        control={control}
        name="recipients"
        render={({ field }) => (
          <div className="flex flex-col gap-2.5">
            <Checkbox
              id={ids.client}
              label={t("recipient.client")}
              hint={t("recipient.clientHint")}
              checked={field.value.client}
              disabled={disabled}
              onChange={(e) => field.onChange({ ...field.value, client: e.target.checked })}
            />
            <Checkbox
              id={ids.responsible}
              label={t("recipient.responsible")}
              hint={t("recipient.responsibleHint")}
              checked={field.value.responsible}
              disabled={disabled}
              onChange={(e) => field.onChange({ ...field.value, responsible: e.target.checked })}
            />
            <Checkbox
              id={ids.author}
              label={t("recipient.author", { name: context.me.name })}
              hint={
                me.available ? (
                  t("recipient.authorHint", { extension: me.extension ?? "" })
                ) : (
                  <span className="text-amber-700" data-testid="author-unavailable">
                    {t("authorUnavailable", { reason: reason(me) })}
                  </span>
                )
              }
              // A recipient that can never be reached is not offered; an old rule keeps it until unticked.
              checked={field.value.author}
              disabled={disabled || (!me.available && !field.value.author)}
              onChange={(e) => field.onChange({ ...field.value, author: e.target.checked })}
            />
          </div>
        )}
      />
      <FieldError name="recipients" />
      {reachable.length > 0 || unreachable.length > 0 ? (
        <div className="rounded-md border bg-muted/30 px-3 py-2 text-xs" data-testid="employee-sms-status">
          {reachable.length > 0 ? (
            <p className="text-muted-foreground">
              {t("reachable")}{" "}
              {reachable.map((u) => `${u.name} (${t("ext", { extension: u.extension ?? "" })})`).join(", ")}
            </p>
          ) : null}
          {unreachable.length > 0 ? (
            <>
              <p className="mt-1 font-medium">{t("notReachable")}</p>
              <ul className="mt-0.5 flex flex-col gap-0.5" data-testid="unreachable-users">
                {unreachable.map((u) => (
                  <li key={u.amoUserId} data-testid={`unreachable-${u.amoUserId}`}>
                    <span className="font-medium">{u.name}</span>
                    <span className="text-muted-foreground"> — {reason(u)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

const OTHER = "__other__";

/** Имя отправителя: the names this account's rules use, or another typed as set up in MANGO's LK. */
export function SenderField({ context, disabled }: RuleFormCtx) {
  const t = useTranslations("rules.form");
  const id = useId();
  const { control, getValues } = useFormContext<RuleFormValues>();
  const known = context.senderNames;
  const [typing, setTyping] = useState(() => known.length === 0 || !known.includes(getValues("senderName")));
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{t("sender")}</Label>
      <Controller
        control={control}
        name="senderName"
        render={({ field }) => (
          <div className="flex flex-wrap gap-2">
            {known.length > 0 ? (
              <Select
                value={typing ? OTHER : field.value}
                disabled={disabled}
                onValueChange={(v) => {
                  setTyping(v === OTHER);
                  field.onChange(v === OTHER ? "" : v);
                }}
              >
                <SelectTrigger id={typing ? undefined : id} aria-label={t("sender")} className="w-56">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {known.map((name) => (
                    <SelectItem key={name} value={name}>
                      {name}
                    </SelectItem>
                  ))}
                  <SelectItem value={OTHER}>{t("senderOther")}</SelectItem>
                </SelectContent>
              </Select>
            ) : null}
            {typing ? (
              <Input
                {...field}
                id={id}
                aria-label={t("sender")}
                placeholder={t("senderPlaceholder")}
                disabled={disabled}
                className="w-56"
              />
            ) : null}
          </div>
        )}
      />
      <p className="text-xs text-muted-foreground">{t("senderHint")}</p>
      <FieldError name="senderName" />
    </div>
  );
}
