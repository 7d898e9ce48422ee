import { z } from "zod";
import { deleteRule } from "@/server/rules/store";
import { notFound } from "../init";
import { ruleEditorProcedure } from "./rules-access";

/** Deletes a DP rule: whoever may save rules may delete them (admins, members with a mapped extension). */
export const rulesDelete = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ id: f.ruleId }) })
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
