import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getActivity } from "@/server/activity/queries";
import { adminProcedure, notFound } from "../init";

/** "Повторить": a failed job run gets a fresh round of attempts. */
export const activityRetry = adminProcedure
  .meta({ access: "admin", sample: (f) => ({ id: f.failedActivityId }) })
  .input(z.object({ id: z.uuid() }))
  .output(z.object({ queued: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const found = await getActivity(ctx.db, { tenantId: ctx.tenant.id, id: input.id });
    if (!found) throw notFound();
    if (found.entry.source !== "job" || found.entry.status !== "failed") {
      throw new TRPCError({ code: "BAD_REQUEST", message: "Повторить можно только неудавшуюся задачу" });
    }
    const ok = await ctx.queue.retry({ runId: found.entry.sourceId, tenantId: ctx.tenant.id });
    if (!ok) throw new TRPCError({ code: "CONFLICT", message: "Задача уже перезапущена" });
    return { queued: true as const };
  });
