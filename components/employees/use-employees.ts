"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

/** The page's queries and mutations; every change refreshes both the directory and the proposals. */
export function useEmployees() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.employees.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.employees.proposals.queryKey() }),
    ]);
  return {
    directory: useQuery(trpc.employees.list.queryOptions()),
    proposals: useQuery(trpc.employees.proposals.queryOptions()),
    apply: useMutation(trpc.employees.applyProposals.mutationOptions({ onSettled: refresh })),
    link: useMutation(trpc.employees.link.mutationOptions({ onSettled: refresh })),
    unlink: useMutation(trpc.employees.unlink.mutationOptions({ onSettled: refresh })),
    resync: useMutation(trpc.employees.resync.mutationOptions({ onSettled: refresh })),
  };
}

export type EmployeesApi = ReturnType<typeof useEmployees>;
