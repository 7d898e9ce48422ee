import { z } from "zod";
import { pauseRule } from "@/server/callbacks/manage";
import { notFound } from "../init";
import { ruleEditorProcedure } from "./rules-access";

/** «Приостановить»: the rule's queued items wait (keep their order) until «Возобновить». */
export const callbacksPauseRule = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ ruleId: f.runningRuleId }) })
  .input(z.object({ ruleId: z.uuid() }))
  .output(z.object({ paused: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const found = await pauseRule(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      ruleId: input.ruleId,
    });
    if (!found) throw notFound("Правило");
    return { paused: true as const };
  });
