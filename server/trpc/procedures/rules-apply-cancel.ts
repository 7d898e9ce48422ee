import { z } from "zod";
import { cancelApplyToCurrentDeals } from "@/server/rules/apply-current";
import { ruleEditorProcedure } from "./rules-access";
import { ruleApplicationStatusSchema } from "./rules-apply-status";

/**
 * Stops the running "apply to current deals" of a rule after the deal it is on; SMS already queued still go
 * out. `application` is null when nothing was running. Whoever may edit rules may cancel.
 */
export const rulesApplyCancel = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ ruleId: f.ruleId }) })
  .input(z.object({ ruleId: z.uuid() }))
  .output(z.object({ application: ruleApplicationStatusSchema.nullable() }))
  .mutation(async ({ ctx, input }) => {
    const tenantId = ctx.tenant.id;
    return { application: await cancelApplyToCurrentDeals(ctx.db, { tenantId, ruleId: input.ruleId }) };
  });
