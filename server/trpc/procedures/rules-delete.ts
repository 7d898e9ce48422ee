import { z } from "zod";
import { deleteRule } from "@/server/rules/store";
import { adminProcedure, notFound } from "../init";

export const rulesDelete = adminProcedure
  .meta({ access: "admin", sample: (f) => ({ id: f.ruleId }) })
  .input(z.object({ id: z.uuid() }))
  .output(z.object({ deleted: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const deleted = await deleteRule(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      id: input.id,
    });
    if (!deleted) throw notFound("Правило");
    return { deleted: true as const };
  });
