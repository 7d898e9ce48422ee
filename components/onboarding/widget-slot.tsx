"use client";

import { useQuery } from "@tanstack/react-query";
import { WidgetInstallCard } from "@/components/widget/install-card";
import { useTRPC } from "@/lib/trpc/client";

/** The widget card on "Обзор" (`#widget`), with the install state from the checklist's "widget" step. */
export function WidgetSlot() {
  const trpc = useTRPC();
  const checklist = useQuery(trpc.onboarding.checklist.queryOptions());
  const item = checklist.data?.find((i) => i.key === "widget");
  const installedAt = typeof item?.detail.installedAt === "string" ? new Date(item.detail.installedAt) : null;
  return <WidgetInstallCard installedAt={item ? installedAt : undefined} />;
}
