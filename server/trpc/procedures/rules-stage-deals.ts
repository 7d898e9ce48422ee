import { z } from "zod";
import { listStageDeals } from "@/server/rules/editor-deals";
import { ruleEditorProcedure } from "./rules-access";
import { readingAmocrm } from "./rules-errors";

const amoId = z.number().int().positive();

/** Deals now in a stage, for the editor's preview picker (amoCRM's search when `query` is given). */
export const rulesStageDeals = ruleEditorProcedure
  .meta({
    access: "extended",
    sample: () => ({ pipelineId: 3_300_000, statusId: 4_400_100, query: "" }),
  })
  .input(z.object({ pipelineId: amoId, statusId: amoId, query: z.string().max(100).optional() }))
  .output(
    z.object({
      deals: z.array(
        z.object({
          id: z.number(),
          name: z.string(),
          price: z.number(),
          responsibleName: z.string().nullable(),
          tags: z.array(z.string()),
        }),
      ),
      more: z.boolean(),
    }),
  )
  .query(({ ctx, input }) => readingAmocrm(() => listStageDeals(ctx.db, ctx.tenant, input)));
