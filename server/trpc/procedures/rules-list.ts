import { z } from "zod";
import { ruleSchema } from "@/lib/domain/rules/schema";
import { listRules } from "@/server/rules/store";
import { tenantProcedure } from "../init";

const amoId = z.number().int().positive();

/** The tenant's DP rules, of one pipeline or one stage when asked (the Правила page and the DP iframe). */
export const rulesList = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(z.object({ pipelineId: amoId.optional(), statusId: amoId.optional() }))
  .output(z.object({ rules: z.array(ruleSchema) }))
  .query(async ({ ctx, input }) => ({
    rules: await listRules(ctx.db, { tenantId: ctx.tenant.id, ...input }),
  }));
