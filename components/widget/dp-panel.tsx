"use client";

import { useQuery } from "@tanstack/react-query";
import { StageRules } from "@/components/rules/stage-rules";
import { useTRPC } from "@/lib/trpc/client";
import { WidgetDpSettings } from "./dp-settings";
import { WidgetNoSession } from "./no-session";

type Props = { pipelineId: number | null; statusId: number | null; portalUrl: string };

/**
 * The DP iframe's content once the page has its session: whose account and which stage (widget tRPC), and
 * the stage's rules editor, the portal's own, talking to the same router.
 */
export function WidgetDpPanel({ pipelineId, statusId, portalUrl }: Props) {
  const trpc = useTRPC();
  const status = useQuery(trpc.widget.status.queryOptions());
  const stage = useQuery({
    ...trpc.widget.stage.queryOptions({ pipelineId: pipelineId ?? 0, statusId }),
    enabled: pipelineId !== null,
  });
  const error = status.error ?? stage.error;
  if (error) return <WidgetNoSession reason={error.data?.code} />;
  if (!status.data || (pipelineId !== null && !stage.data))
    return <div className="h-40 animate-pulse rounded-md bg-muted" />;
  return (
    <WidgetDpSettings tenantName={status.data.tenantName} stage={stage.data ?? null} portalUrl={portalUrl}>
      {pipelineId && statusId ? <StageRules pipelineId={pipelineId} statusId={statusId} /> : undefined}
    </WidgetDpSettings>
  );
}
