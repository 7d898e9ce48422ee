import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hasExtendedIntegration } from "@/server/employees/queries";
import { ruleDraftSchema, ruleSchema } from "@/server/rules/schema";
import { getRule, needsExtendedIntegration, saveRule } from "@/server/rules/store";
import { adminProcedure, notFound } from "../init";

export const EXTENDED_REQUIRED_MESSAGE =
  "Сохранять правила с SMS, обратным звонком или обзвоном могут только пользователи с сопоставленным " +
  "внутренним номером MANGO OFFICE (расширенная интеграция). Попросите администратора сопоставить вас " +
  "с сотрудником на странице «Сотрудники».";

/**
 * Creates or updates a DP rule. An action that acts through the PBX (SMS, callback, campaign) needs the
 * saving user to have a mapped extension — checked here, not only in the editor, since the SMS goes out
 * from that extension and "лично мне" is that employee's mobile.
 */
export const rulesSave = adminProcedure
  .meta({
    access: "admin",
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
  .output(z.object({ rule: ruleSchema }))
  .mutation(async ({ ctx, input }) => {
    const authorAmoUserId = ctx.user.amocrmUserId;
    // Another tenant's id is "not found" before anything else is said about it.
    if (input.id && !(await getRule(ctx.db, { tenantId: ctx.tenant.id, id: input.id })))
      throw notFound("Правило");
    if (
      needsExtendedIntegration(input.rule) &&
      !(await hasExtendedIntegration(ctx.db, { tenantId: ctx.tenant.id, amoUserId: authorAmoUserId }))
    )
      throw new TRPCError({ code: "FORBIDDEN", message: EXTENDED_REQUIRED_MESSAGE });
    const rule = await saveRule(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      authorAmoUserId,
      id: input.id,
      draft: input.rule,
    });
    if (!rule) throw notFound("Правило");
    return { rule };
  });
