import { useTranslations } from "next-intl";

/** The iframe without a valid widget session: says how to get one, shows nothing of any tenant. */
export function WidgetNoSession({ reason }: { reason?: string }) {
  const t = useTranslations("widget.error");
  const text =
    reason === "expired" ? t("expired") : reason === "unknown_account" ? t("unknownAccount") : t("noSession");
  return (
    <section data-testid="widget-no-session" data-reason={reason} className="flex flex-col gap-1">
      <h1 className="text-base font-semibold">{t("title")}</h1>
      <p className="text-muted-foreground">{text}</p>
    </section>
  );
}
