"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

/** What the editor chooses from; one read per page (it asks amoCRM for the custom fields). */
export function useEditorContext() {
  const trpc = useTRPC();
  return useQuery(trpc.rules.editorContext.queryOptions(undefined, { staleTime: 60_000 }));
}

/** The rules of one stage, with save and delete that refresh every rules list (the page counts them). */
export function useStageRules(stage: { pipelineId: number; statusId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.rules.list.queryKey() }),
      // A new sender name becomes one the editor offers.
      queryClient.invalidateQueries({ queryKey: trpc.rules.editorContext.queryKey() }),
    ]);
  return {
    list: useQuery(trpc.rules.list.queryOptions(stage)),
    save: useMutation(trpc.rules.save.mutationOptions({ onSuccess: refresh })),
    remove: useMutation(trpc.rules.delete.mutationOptions({ onSuccess: refresh })),
  };
}

export type StageRulesApi = ReturnType<typeof useStageRules>;
