import { redirect } from "next/navigation";
import { WidgetDpPanel } from "@/components/widget/dp-panel";
import { WidgetSessionGate } from "@/components/widget/session-gate";
import { env } from "@/server/config/env";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const idOf = (v: string | string[] | undefined) => (typeof v === "string" && /^\d{1,12}$/.test(v) ? v : null);

/**
 * The widget's Digital Pipeline settings in amoCRM: the rules of the stage it was opened for, edited with the
 * portal's editor through the widget's tRPC endpoint (/widget/api/trpc, same router, same checks). The page
 * is a shell that signs in with the token in its URL fragment (no cookie); everything else comes over tRPC.
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
  return (
    <WidgetSessionGate area="dp">
      <WidgetDpPanel
        pipelineId={pipelineId ? Number(pipelineId) : null}
        statusId={statusId ? Number(statusId) : null}
        portalUrl={env().APP_URL}
      />
    </WidgetSessionGate>
  );
}
