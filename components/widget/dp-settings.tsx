import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

type Props = {
  tenantName: string;
  /** Names from the tenant's cached pipelines (ids when not cached); null when amoCRM passed no stage. */
  stage: { pipeline: string; status: string | null } | null;
  portalUrl: string;
  /** The stage's rules editor; absent when the stage is unknown (rules belong to one stage). */
  children?: ReactNode;
};

/** The frame of the widget's Digital Pipeline settings: which stage, whose account, and its rules. */
export function WidgetDpSettings({ tenantName, stage, portalUrl, children }: Props) {
  const t = useTranslations("widget.dp");
  return (
    <Card className="gap-3 py-4" data-testid="widget-dp">
      <CardHeader className="px-4">
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription data-testid="widget-dp-stage">
          {stage
            ? stage.status
              ? t("stage", { pipeline: stage.pipeline, status: stage.status })
              : t("pipelineOnly", { pipeline: stage.pipeline })
            : t("stageUnknown")}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-2 px-4">
        <p className="text-xs text-muted-foreground" data-testid="widget-tenant-name">
          {tenantName}
        </p>
        {children ?? (
          <p className="rounded-md border border-dashed bg-muted/30 p-3 text-muted-foreground">
            {t("stageRequired")}
          </p>
        )}
        <a
          className="font-medium text-primary underline-offset-4 hover:underline"
          href={`${portalUrl.replace(/\/+$/, "")}/rules`}
          target="_blank"
          rel="noopener noreferrer"
        >
          {t("openRules")}
        </a>
      </CardContent>
    </Card>
  );
}
