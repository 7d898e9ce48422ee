import { z } from "zod";
import { activityStatus } from "@/db/schema";
import { listActivity } from "@/server/activity/queries";
import { tenantProcedure } from "../init";

const status = z.enum(activityStatus.enumValues);
const item = z.object({
  id: z.string(),
  source: z.enum(["webhook", "job"]),
  kind: z.string(),
  subject: z.string().nullable(),
  status,
  reason: z.string().nullable(),
  attempts: z.number(),
  nextRetryAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const activityList = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    z.object({
      statuses: z.array(status).optional(),
      kind: z.string().max(100).optional(),
      from: z.date().optional(),
      to: z.date().optional(),
      cursor: z.date().optional(),
      limit: z.number().int().min(1).max(100).default(50),
    }),
  )
  .output(z.object({ items: z.array(item), nextCursor: z.date().nullable() }))
  .query(async ({ ctx, input }) => {
    const items = await listActivity(ctx.db, {
      tenantId: ctx.tenant.id,
      statuses: input.statuses,
      kind: input.kind,
      from: input.from,
      to: input.to,
      before: input.cursor,
      limit: input.limit,
    });
    return { items, nextCursor: items.length === input.limit ? items[items.length - 1]!.createdAt : null };
  });
