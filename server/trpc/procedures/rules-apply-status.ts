import { z } from "zod";
import { applicationStatus } from "@/server/rules/apply-current";
import { tenantProcedure } from "../init";

export const ruleApplicationStatusSchema = z.object({
  applicationId: z.uuid(),
  status: z.enum(["running", "done", "cancelled", "failed"]),
  total: z.number().int().nullable(),
  processed: z.number().int(),
  queued: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  skipReasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  percent: z.number().int().min(0).max(100).nullable(),
  cancelRequested: z.boolean(),
  error: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});

/**
 * The latest "apply to current deals" of a rule with its progress (the portal polls it about every second
 * while it runs) and, once finished, its summary: SMS queued, deals skipped by reason, failures. Null when
 * the tenant has no application of that rule (another tenant's rule id included: the query is the tenant's).
 */
export const rulesApplyStatus = tenantProcedure
  .meta({ access: "tenant", sample: (f) => ({ ruleId: f.ruleId }) })
  .input(z.object({ ruleId: z.uuid() }))
  .output(z.object({ application: ruleApplicationStatusSchema.nullable() }))
  .query(async ({ ctx, input }) => {
    const tenantId = ctx.tenant.id;
    return { application: await applicationStatus(ctx.db, { tenantId, ruleId: input.ruleId }) };
  });
