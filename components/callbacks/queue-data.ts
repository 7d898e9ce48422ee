"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "@/lib/trpc/client";
import type { AppRouter } from "@/server/trpc/router";

/** What «Очередь автоперезвонов» reads (callbacks.queue), shared by its parts. */
export type Queue = inferRouterOutputs<AppRouter>["callbacks"]["queue"];
export type Item = Queue["queued"]["items"][number];

/** After a change: the queue and the settings block's live count read again. */
export function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.callbacks.queue.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.callbacks.count.queryKey() }),
    ]);
}
