"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

/** The signed-in tenant, the caller's role and name (`tenant.get`). */
export function useTenant() {
  const trpc = useTRPC();
  return useQuery(trpc.tenant.get.queryOptions(undefined, { staleTime: 60_000 }));
}

export const isAdminRole = (role: string | undefined) => role === "owner" || role === "admin";
