import type { inferRouterOutputs } from "@trpc/server";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { AppRouter } from "@/server/trpc/router";

type WidgetStatus = NonNullable<inferRouterOutputs<AppRouter>["widget"]["status"]>;

/** Connected reads calm, "not yet" neutral, a broken connection red. */
const tone = (state: string) =>
  state === "connected"
    ? "secondary"
    : state === "not_connected" || state === "disconnected"
      ? "outline"
      : "destructive";

/** The widget's settings area inside amoCRM: which tenant this is and whether both ends are connected. */
export function WidgetStatusView({ status, portalUrl }: { status: WidgetStatus; portalUrl: string }) {
  const t = useTranslations("widget.status");
  const format = useFormatter();
  return (
    <Card className="gap-4 py-4" data-testid="widget-status">
      <CardHeader className="px-4">
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("subtitle")}</CardDescription>
      </CardHeader>
      <CardContent className="px-4">
        <dl className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2">
          <dt className="text-muted-foreground">{t("tenant")}</dt>
          <dd className="font-medium" data-testid="widget-tenant-name">
            {status.tenantName}
          </dd>
          <dt className="text-muted-foreground">{t("account")}</dt>
          <dd>{status.subdomain}</dd>
          <dt className="text-muted-foreground">{t("amocrm")}</dt>
          <dd>
            <Badge variant={tone(status.amocrm)} data-testid="widget-amocrm-state">
              {t(`amocrmState.${status.amocrm}`)}
            </Badge>
          </dd>
          <dt className="text-muted-foreground">{t("mango")}</dt>
          <dd className="flex items-center gap-2">
            <Badge variant={tone(status.mango)} data-testid="widget-mango-state">
              {t(`mangoState.${status.mango}`)}
            </Badge>
            {status.mangoKeyHint ? (
              <span className="text-xs text-muted-foreground">
                {t("keyHint", { hint: status.mangoKeyHint })}
              </span>
            ) : null}
          </dd>
          {status.widgetInstalledAt ? (
            <>
              <dt className="text-muted-foreground">{t("installedAt")}</dt>
              <dd>
                {format.dateTime(status.widgetInstalledAt, { dateStyle: "medium", timeStyle: "short" })}
              </dd>
            </>
          ) : null}
        </dl>
        <p className="mt-4 text-muted-foreground">{t("portalHint")}</p>
        <a
          className="mt-1 inline-block font-medium text-primary underline-offset-4 hover:underline"
          href={`${portalUrl.replace(/\/+$/, "")}/overview`}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="widget-open-portal"
        >
          {t("openPortal")}
        </a>
      </CardContent>
    </Card>
  );
}
