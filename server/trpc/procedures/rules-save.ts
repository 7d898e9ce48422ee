import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ruleDraftSchema, ruleSchema } from "@/lib/domain/rules/schema";
import { actionsProblem, needsExtendedIntegration } from "@/server/rules/actions";
import { startApplyToCurrentDeals } from "@/server/rules/apply-current";
import { getRule, saveRule } from "@/server/rules/store";
import { notFound } from "../init";
import { EXTENDED_REQUIRED_MESSAGE, ruleEditorProcedure } from "./rules-access";

export { EXTENDED_REQUIRED_MESSAGE };

/**
 * Creates or updates a DP rule. An action that acts through the PBX (SMS, callback, campaign) needs the
 * saving user to have a mapped extension — checked here, not only in the editor, since the SMS goes out
 * from that extension and "лично мне" is that employee's mobile. Admins, and members with a mapped
 * extension, may save (`ruleEditorProcedure`); each action's own check (`problem`: an SMS template over
 * MANGO's limit, a callback target without an extension …) refuses the save with its reason.
 */
export const rulesSave = ruleEditorProcedure
  .meta({
    access: "extended",
    sample: (f) => ({
      id: f.ruleId,
      rule: {
        pipelineId: 3_300_000,
        statusId: 4_400_100,
        trigger: "entered_stage",
        actions: [{ kind: "callback", target: { type: "responsible" } }],
      },
    }),
  })
  .input(z.object({ id: z.uuid().optional(), rule: ruleDraftSchema }))
  .output(z.object({ rule: ruleSchema, applicationId: z.uuid().optional() }))
  .mutation(async ({ ctx, input }) => {
    const authorAmoUserId = ctx.user.amocrmUserId;
    // Another tenant's id is "not found" before anything else is said about it.
    if (input.id && !(await getRule(ctx.db, { tenantId: ctx.tenant.id, id: input.id })))
      throw notFound("Правило");
    if (needsExtendedIntegration(input.rule) && !ctx.hasExtension)
      throw new TRPCError({ code: "FORBIDDEN", message: EXTENDED_REQUIRED_MESSAGE });
    const problem = await actionsProblem(ctx.db, { tenantId: ctx.tenant.id, actions: input.rule.actions });
    if (problem) throw new TRPCError({ code: "BAD_REQUEST", message: problem });
    const rule = await saveRule(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      authorAmoUserId,
      id: input.id,
      draft: input.rule,
    });
    if (!rule) throw notFound("Правило");
    // "Применить триггер к текущим сделкам в статусе": the bulk job starts (or the running one is returned).
    const application = rule.applyToCurrentDeals
      ? await startApplyToCurrentDeals(ctx.db, ctx.queue, {
          tenantId: ctx.tenant.id,
          ruleId: rule.id,
          actorUserId: ctx.user.id,
        })
      : null;
    return { rule, applicationId: application?.applicationId };
  });
