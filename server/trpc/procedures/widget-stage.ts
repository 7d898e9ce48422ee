import { z } from "zod";
import { getStageNames } from "@/server/widget/queries";
import { tenantProcedure } from "../init";

const amoId = z.number().int().positive();

/**
 * Names of the pipeline and stage the widget's Digital Pipeline iframe was opened for, from the caller's
 * tenant's cached directory (the ids themselves when not cached).
 */
export const widgetStage = tenantProcedure
  .meta({ access: "tenant", sample: () => ({ pipelineId: 1, statusId: 2 }) })
  .input(z.object({ pipelineId: amoId, statusId: amoId.nullable() }))
  .output(z.object({ pipeline: z.string(), status: z.string().nullable() }))
  .query(({ ctx, input }) => getStageNames(ctx.db, { tenantId: ctx.tenant.id, ...input }));
