"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { CircleCheck, LoaderCircle } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { type FieldErrors, type Resolver, useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { type IntegrationSettings, settingsSchema } from "@/lib/domain/settings/schema";
import { useTRPC } from "@/lib/trpc/client";
import { CallsTab } from "./calls-tab";
import { ExtraTab } from "./extra-tab";
import type { SettingsOptions } from "./fields";
import { LimitsTab } from "./limits-tab";
import { UnsavedChangesGuard } from "./unsaved-changes-guard";

const TABS = ["calls", "extra", "limits"] as const;
type Tab = (typeof TABS)[number];
type Feedback = { kind: "success" } | { kind: "error"; text: string } | null;

/** Server codes of `settings.save` and the translated text shown outside Russian. */
const SAVE_ERRORS: Record<string, string> = {
  BAD_REQUEST: "staleReferences",
  CONFLICT: "conflict",
  PRECONDITION_FAILED: "reconnect",
  BAD_GATEWAY: "amocrmUnavailable",
};

/**
 * "Основные настройки интеграции": the three tabs of MANGO's widget in one form. The tab and the
 * feedback live here, above the form, because the form is re-created from the saved document after
 * each save (its `key` is the stored version).
 */
export function IntegrationSettingsView() {
  const t = useTranslations("integrationSettings");
  const trpc = useTRPC();
  const query = useQuery(trpc.settings.get.queryOptions());
  const [tab, setTab] = useState<Tab>("calls");
  const [feedback, setFeedback] = useState<Feedback>(null);
  return (
    <Card data-testid="integration-settings">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent>
        {query.isPending ? (
          <Skeleton className="h-64 w-full" />
        ) : query.isError ? (
          <div role="alert" className="flex items-center gap-3 text-sm text-destructive">
            {t("loadError")}
            <Button variant="outline" size="sm" onClick={() => query.refetch()}>
              {t("retry")}
            </Button>
          </div>
        ) : (
          <SettingsForm
            key={query.data.version}
            initial={query.data.settings}
            version={query.data.version}
            updatedAt={query.data.updatedAt}
            canEdit={query.data.canEdit}
            options={query.data.options}
            tab={tab}
            onTab={setTab}
            feedback={feedback}
            onFeedback={setFeedback}
          />
        )}
      </CardContent>
    </Card>
  );
}

type FormProps = {
  initial: IntegrationSettings;
  version: number;
  updatedAt: Date | null;
  canEdit: boolean;
  options: SettingsOptions;
  tab: Tab;
  onTab: (tab: Tab) => void;
  feedback: Feedback;
  onFeedback: (f: Feedback) => void;
};

function SettingsForm({
  initial,
  version,
  updatedAt,
  canEdit,
  options,
  tab,
  onTab,
  feedback,
  onFeedback,
}: FormProps) {
  const t = useTranslations("integrationSettings");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<IntegrationSettings>({
    // The form always holds a complete document, so the schema's input and output types coincide here.
    resolver: zodResolver(settingsSchema) as unknown as Resolver<IntegrationSettings>,
    defaultValues: initial,
  });
  const save = useMutation(trpc.settings.save.mutationOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() });

  const errorText = (err: unknown) => {
    const code =
      err instanceof TRPCClientError ? (err.data as { code?: string } | undefined)?.code : undefined;
    const key = code ? SAVE_ERRORS[code] : undefined;
    // The server writes its messages in Russian and names the field; other locales get the generic text.
    if (locale === "ru" && key && err instanceof TRPCClientError && err.message) return err.message;
    return t(`errors.${key ?? "generic"}`);
  };

  const onValid = async (values: IntegrationSettings) => {
    onFeedback(null);
    try {
      await save.mutateAsync({ version, settings: values });
      onFeedback({ kind: "success" });
      await refresh();
    } catch (err) {
      onFeedback({ kind: "error", text: errorText(err) });
      // A refused stage was found by re-reading amoCRM: the refreshed lists mark the stale fields.
      await refresh();
    }
  };
  const onInvalid = (errors: FieldErrors<IntegrationSettings>) => {
    const first = TABS.find((k) => errors[k]);
    if (first) onTab(first);
    onFeedback({ kind: "error", text: t("errors.invalid") });
  };

  const disabled = !canEdit || save.isPending;
  const props = { control: form.control, disabled, options };
  return (
    <form noValidate onSubmit={form.handleSubmit(onValid, onInvalid)} className="flex flex-col gap-6">
      {canEdit ? null : <p className="text-sm text-muted-foreground">{t("readOnly")}</p>}
      <UnsavedChangesGuard dirty={canEdit && form.formState.isDirty} />
      <Tabs value={tab} onValueChange={(v) => onTab(v as Tab)}>
        <TabsList className="h-auto flex-wrap">
          {TABS.map((k) => (
            <TabsTrigger key={k} value={k}>
              {t(`tabs.${k}`)}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="calls" className="pt-4">
          <CallsTab {...props} />
        </TabsContent>
        <TabsContent value="extra" className="pt-4">
          <ExtraTab {...props} />
        </TabsContent>
        <TabsContent value="limits" className="pt-4">
          <LimitsTab {...props} />
        </TabsContent>
      </Tabs>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3 border-t pt-4">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? <LoaderCircle className="size-4 animate-spin" /> : null}
            {save.isPending ? t("saving") : t("save")}
          </Button>
          <div aria-live="polite" className="text-sm">
            {feedback?.kind === "success" && !form.formState.isDirty ? (
              <span
                role="status"
                data-testid="settings-saved"
                className="flex items-center gap-1.5 text-emerald-700"
              >
                <CircleCheck className="size-4" />
                {t("saved")}
              </span>
            ) : feedback?.kind === "error" ? (
              <span role="alert" data-testid="settings-error" className="text-destructive">
                {feedback.text}
              </span>
            ) : form.formState.isDirty ? (
              <span className="text-muted-foreground">{t("unsaved")}</span>
            ) : (
              <span className="text-muted-foreground">
                {updatedAt
                  ? t("savedAt", {
                      date: format.dateTime(updatedAt, { dateStyle: "short", timeStyle: "short" }),
                    })
                  : t("neverSaved")}
              </span>
            )}
          </div>
        </div>
      ) : null}
    </form>
  );
}
