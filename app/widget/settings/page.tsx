import { redirect } from "next/navigation";
import { WidgetNoSession } from "@/components/widget/no-session";
import { WidgetStatusView } from "@/components/widget/status-view";
import { getDb } from "@/db";
import { env } from "@/server/config/env";
import { currentWidgetSession } from "@/server/widget/current";
import { getWidgetStatus } from "@/server/widget/queries";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The widget's settings area in amoCRM: a compact status of the tenant the widget session names. */
export default async function WidgetSettingsPage({ searchParams }: Props) {
  const { token } = await searchParams;
  // The token may also arrive in the query: the entry route checks it and comes back with a session.
  if (typeof token === "string")
    redirect(`/api/widget/session?${new URLSearchParams({ token, area: "settings" })}`);
  const session = await currentWidgetSession();
  const status = session ? await getWidgetStatus(await getDb(), { tenantId: session.tenantId }) : null;
  if (!status) return <WidgetNoSession />;
  return <WidgetStatusView status={status} portalUrl={env().APP_URL} />;
}
