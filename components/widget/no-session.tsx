import { useTranslations } from "next-intl";

/** The iframe without a valid widget session: says how to get one, shows nothing of any tenant. */
export function WidgetNoSession() {
  const t = useTranslations("widget.error");
  return (
    <section data-testid="widget-no-session" className="flex flex-col gap-1">
      <h1 className="text-base font-semibold">{t("title")}</h1>
      <p className="text-muted-foreground">{t("noSession")}</p>
    </section>
  );
}
