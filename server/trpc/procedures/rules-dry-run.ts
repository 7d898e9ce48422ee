import { z } from "zod";
import { ACTION_KINDS_LIST, ruleDraftSchema } from "@/lib/domain/rules/schema";
import { dryRunRule } from "@/server/rules/preview";
import { ruleEditorProcedure } from "./rules-access";
import { readingAmocrm } from "./rules-errors";

/**
 * «Проверить на сделке»: the dry run of the draft rule on one deal — whether the deal meets the conditions
 * and, for every action, what it would do and what it would skip and why. Sends, queues and writes
 * nothing. A mutation only for its POST body (a draft with a long template overflows a GET URL). Rule
 * editors only: it reads any deal of the account with the tenant's token.
 */
export const rulesDryRun = ruleEditorProcedure
  .meta({
    access: "extended",
    sample: () => ({
      leadId: 9_000_001,
      rule: {
        pipelineId: 3_300_000,
        statusId: 4_400_100,
        trigger: "entered_stage",
        actions: [{ kind: "callback", target: { type: "responsible" } }],
      },
    }),
  })
  .input(z.object({ leadId: z.number().int().positive(), rule: ruleDraftSchema }))
  .output(
    z.discriminatedUnion("found", [
      z.object({ found: z.literal(false) }),
      z.object({
        found: z.literal(true),
        deal: z.object({
          id: z.number(),
          name: z.string(),
          responsibleName: z.string().nullable(),
          inStage: z.boolean(),
        }),
        conditions: z.object({ matches: z.boolean(), reason: z.string().nullable() }),
        actions: z.array(
          z.object({
            kind: z.enum(ACTION_KINDS_LIST),
            title: z.string(),
            would: z.array(z.string()),
            skipped: z.array(z.string()),
          }),
        ),
      }),
    ]),
  )
  .mutation(({ ctx, input }) =>
    readingAmocrm(() =>
      dryRunRule(ctx.db, ctx.tenant, {
        leadId: input.leadId,
        draft: input.rule,
        authorAmoUserId: ctx.user.amocrmUserId,
      }),
    ),
  );
