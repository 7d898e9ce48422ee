import { redirect } from "next/navigation";
import { WidgetSessionGate } from "@/components/widget/session-gate";
import { WidgetSettingsPanel } from "@/components/widget/settings-panel";
import { env } from "@/server/config/env";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The widget's settings area in amoCRM: a compact status of the tenant. The page itself is a shell: it signs
 * in with the token in its URL fragment (no cookie) and reads the status through the widget's tRPC endpoint.
 */
export default async function WidgetSettingsPage({ searchParams }: Props) {
  const { token } = await searchParams;
  // A token in the query: the entry route checks it and comes back with it in the fragment.
  if (typeof token === "string")
    redirect(`/api/widget/session?${new URLSearchParams({ token, area: "settings" })}`);
  return (
    <WidgetSessionGate area="settings">
      <WidgetSettingsPanel portalUrl={env().APP_URL} />
    </WidgetSessionGate>
  );
}
