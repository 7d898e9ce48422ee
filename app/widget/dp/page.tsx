import { redirect } from "next/navigation";
import { StageRules } from "@/components/rules/stage-rules";
import { WidgetDpSettings } from "@/components/widget/dp-settings";
import { WidgetNoSession } from "@/components/widget/no-session";
import { WidgetTrpcProvider } from "@/components/widget/trpc-provider";
import { getDb } from "@/db";
import { env } from "@/server/config/env";
import { currentWidgetSession } from "@/server/widget/current";
import { getStageNames, getWidgetStatus } from "@/server/widget/queries";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const idOf = (v: string | string[] | undefined) => (typeof v === "string" && /^\d{1,12}$/.test(v) ? v : null);

/**
 * The widget's Digital Pipeline settings in amoCRM: the rules of the stage it was opened for, edited with the
 * portal's editor through the widget's tRPC endpoint (/widget/api/trpc, same router, same checks). The frame
 * around it is rendered here from the widget session; the editor reads and saves through tRPC.
 */
export default async function WidgetDpPage({ searchParams }: Props) {
  const sp = await searchParams;
  const pipelineId = idOf(sp.pipeline_id);
  const statusId = idOf(sp.status_id);
  if (typeof sp.token === "string") {
    const q = new URLSearchParams({ token: sp.token, area: "dp" });
    if (pipelineId) q.set("pipeline_id", pipelineId);
    if (statusId) q.set("status_id", statusId);
    redirect(`/api/widget/session?${q}`);
  }
  const session = await currentWidgetSession();
  const db = await getDb();
  const status = session ? await getWidgetStatus(db, { tenantId: session.tenantId }) : null;
  if (!session || !status) return <WidgetNoSession />;
  const stage = pipelineId
    ? await getStageNames(db, {
        tenantId: session.tenantId,
        pipelineId: Number(pipelineId),
        statusId: statusId ? Number(statusId) : null,
      })
    : null;
  return (
    <WidgetDpSettings tenantName={status.tenantName} stage={stage} portalUrl={env().APP_URL}>
      {pipelineId && statusId ? (
        <WidgetTrpcProvider>
          <StageRules pipelineId={Number(pipelineId)} statusId={Number(statusId)} />
        </WidgetTrpcProvider>
      ) : undefined}
    </WidgetDpSettings>
  );
}
