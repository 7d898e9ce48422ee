import { Download } from "lucide-react";
import { useFormatter, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

const STEPS = ["download", "upload", "install", "dp"] as const;

/**
 * "Виджет amoCRM" for Обзор and Настройки: the archive for this portal (GET /api/widget/download) and how to
 * install it. `installedAt` is optional so the card also works where the checklist's data is not at hand.
 */
export function WidgetInstallCard({ installedAt }: { installedAt?: Date | null }) {
  const t = useTranslations("widget.install");
  const format = useFormatter();
  return (
    <Card id="widget" data-testid="widget-install-card">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          {t("title")}
          {installedAt !== undefined ? (
            <Badge variant={installedAt ? "secondary" : "outline"}>
              {installedAt
                ? t("installed", { date: format.dateTime(installedAt, { dateStyle: "medium" }) })
                : t("notInstalled")}
            </Badge>
          ) : null}
        </CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <a
          className={buttonVariants({ className: "w-fit" })}
          href="/api/widget/download"
          download="widget.zip"
        >
          <Download />
          {t("download")}
        </a>
        <ol className="list-decimal space-y-1 pl-5 text-sm">
          {STEPS.map((step) => (
            <li key={step}>{t(`steps.${step}`)}</li>
          ))}
        </ol>
        <p className="text-sm text-muted-foreground">{t("note")}</p>
      </CardContent>
    </Card>
  );
}
