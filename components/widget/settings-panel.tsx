"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { WidgetNoSession } from "./no-session";
import { WidgetStatusView } from "./status-view";

/** The settings iframe's content once the page has its session: the tenant's status through widget tRPC. */
export function WidgetSettingsPanel({ portalUrl }: { portalUrl: string }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.widget.status.queryOptions());
  if (status.error) return <WidgetNoSession reason={status.error.data?.code} />;
  if (!status.data) return <div className="h-40 animate-pulse rounded-md bg-muted" />;
  return <WidgetStatusView status={status.data} portalUrl={portalUrl} />;
}
