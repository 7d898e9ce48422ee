import { z } from "zod";
import { activityStatus } from "@/db/schema";
import { getActivity } from "@/server/activity/queries";
import { notFound, tenantProcedure } from "../init";

export const activityGet = tenantProcedure
  .meta({ access: "tenant", sample: (f) => ({ id: f.activityId }) })
  .input(z.object({ id: z.uuid() }))
  .output(
    z.object({
      id: z.string(),
      source: z.enum(["webhook", "job"]),
      kind: z.string(),
      subject: z.string().nullable(),
      status: z.enum(activityStatus.enumValues),
      reason: z.string().nullable(),
      attempts: z.number(),
      maxAttempts: z.number().nullable(),
      nextRetryAt: z.date().nullable(),
      createdAt: z.date(),
      updatedAt: z.date(),
      /** Already masked when stored. */
      payload: z.unknown(),
      relatedJobActivityId: z.string().nullable(),
      canRetry: z.boolean(),
    }),
  )
  .query(async ({ ctx, input }) => {
    const found = await getActivity(ctx.db, { tenantId: ctx.tenant.id, id: input.id });
    if (!found) throw notFound();
    const { entry, job } = found;
    return {
      id: entry.id,
      source: entry.source,
      kind: entry.kind,
      subject: entry.subject,
      status: entry.status,
      reason: entry.reason,
      attempts: entry.attempts,
      maxAttempts: job?.maxAttempts ?? null,
      nextRetryAt: entry.nextRetryAt,
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
      payload: entry.payload,
      relatedJobActivityId: found.relatedJobActivityId,
      canRetry: entry.source === "job" && entry.status === "failed",
    };
  });
