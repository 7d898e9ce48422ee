"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Eye, EyeOff, LoaderCircle } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { type FieldError, useForm } from "react-hook-form";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useTRPC } from "@/lib/trpc/client";
import { useOnboardingErrorText } from "./error-text";

// Mirrors `mango.connect`'s input; the messages are keys of `onboarding.mango.validation`.
const secret = z.string().trim().min(1, "required").min(4, "tooShort").max(200, "tooLong");
const schema = z.object({ apiKey: secret, salt: secret });
type Values = z.infer<typeof schema>;
type Reason = "wrong_key" | "wrong_salt" | "locked" | "unreachable" | "in_use" | "other";
export type Connected = { employees: number; ccFields: "ok" | "failed" };

/** «Ключ API» and «Соль»: verified against MANGO OFFICE by `mango.connect`; nothing is saved on failure. */
export function MangoConnectForm({
  onConnected,
  onCancel,
}: {
  onConnected: (r: Connected) => void;
  onCancel?: () => void;
}) {
  const t = useTranslations("onboarding.mango");
  const locale = useLocale();
  const errorText = useOnboardingErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showSalt, setShowSalt] = useState(false);
  const [general, setGeneral] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { apiKey: "", salt: "" } });
  const connect = useMutation(trpc.mango.connect.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  // The server words its failures in Russian; other locales get the translation of the reason.
  const reasonText = (reason: Reason, message: string) =>
    locale === "ru" ? message : t(`reasons.${reason}`);
  const fieldText = (error: FieldError | undefined) => {
    if (!error?.message) return null;
    return error.type === "server" ? error.message : t(`validation.${error.message as "required"}`);
  };

  const submit = form.handleSubmit(async (values) => {
    setGeneral(null);
    let res: Awaited<ReturnType<typeof connect.mutateAsync>>;
    try {
      res = await connect.mutateAsync(values);
    } catch (err) {
      setGeneral(errorText(err));
      return;
    }
    if (res.ok) {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.mango.status.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.onboarding.checklist.queryKey() }),
      ]);
      onConnected({ employees: res.employees, ccFields: res.ccFields });
      return;
    }
    const text = reasonText(res.reason, res.message);
    if (res.reason === "wrong_salt")
      form.setError("salt", { type: "server", message: text }, { shouldFocus: true });
    else if (res.reason === "wrong_key" || res.reason === "in_use")
      form.setError("apiKey", { type: "server", message: text }, { shouldFocus: true });
    else setGeneral(text);
  });

  const busy = isSubmitting || connect.isPending;
  return (
    <form noValidate data-testid="mango-connect-form" className="flex flex-col gap-4" onSubmit={submit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="mango-api-key">{t("apiKey")}</Label>
          <Input
            id="mango-api-key"
            autoComplete="off"
            spellCheck={false}
            placeholder={t("apiKeyPlaceholder")}
            aria-invalid={!!errors.apiKey}
            aria-describedby={errors.apiKey ? "mango-api-key-error" : undefined}
            {...form.register("apiKey")}
          />
          {errors.apiKey ? (
            <p
              id="mango-api-key-error"
              data-testid="mango-api-key-error"
              className="text-xs text-destructive"
            >
              {fieldText(errors.apiKey)}
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="mango-salt">{t("salt")}</Label>
          <div className="relative">
            <Input
              id="mango-salt"
              type={showSalt ? "text" : "password"}
              autoComplete="new-password"
              spellCheck={false}
              placeholder={t("saltPlaceholder")}
              className="pr-10"
              aria-invalid={!!errors.salt}
              aria-describedby={errors.salt ? "mango-salt-error" : undefined}
              {...form.register("salt")}
            />
            <Button
              type="button"
              variant="ghost"
              size="icon"
              className="absolute top-0 right-0 text-muted-foreground"
              aria-label={showSalt ? t("hideSalt") : t("showSalt")}
              aria-pressed={showSalt}
              onClick={() => setShowSalt((v) => !v)}
            >
              {showSalt ? <EyeOff /> : <Eye />}
            </Button>
          </div>
          {errors.salt ? (
            <p id="mango-salt-error" data-testid="mango-salt-error" className="text-xs text-destructive">
              {fieldText(errors.salt)}
            </p>
          ) : null}
        </div>
      </div>
      {general ? (
        <p
          role="alert"
          data-testid="mango-connect-error"
          className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive"
        >
          {general}
        </p>
      ) : null}
      <p className="text-xs text-muted-foreground">{t("nothingSaved")}</p>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? <LoaderCircle className="animate-spin" /> : null}
          {busy ? t("connecting") : t("connect")}
        </Button>
        {onCancel ? (
          <Button type="button" variant="ghost" onClick={onCancel} disabled={busy}>
            {t("cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
