import { z } from "zod";
import { wakeDispatcher } from "@/server/callbacks/dispatch-job";
import { resumeRule } from "@/server/callbacks/manage";
import { notFound } from "../init";
import { ruleEditorProcedure } from "./rules-access";

/** «Возобновить»: the rule's queued items ring again; the dispatcher is woken. */
export const callbacksResumeRule = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ ruleId: f.runningRuleId }) })
  .input(z.object({ ruleId: z.uuid() }))
  .output(z.object({ paused: z.literal(false) }))
  .mutation(async ({ ctx, input }) => {
    const wake = () => wakeDispatcher(ctx.db, ctx.queue, { tenantId: ctx.tenant.id });
    const found = await resumeRule(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      ruleId: input.ruleId,
      wake,
    });
    if (!found) throw notFound("Правило");
    return { paused: false as const };
  });
