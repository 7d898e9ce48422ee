import { z } from "zod";
import { conditionsSchema, RULE_TRIGGERS, SMS_RECIPIENTS } from "@/lib/domain/rules/schema";
import { previewSms } from "@/server/rules/preview";
import { smsPreviewDraftSchema } from "@/server/sms/preview";
import { ruleEditorProcedure } from "./rules-access";
import { readingAmocrm } from "./rules-errors";

const amoId = z.number().int().positive();
const role = z.enum(SMS_RECIPIENTS);

/**
 * The live preview of a draft SMS rule on one deal: the text as it would be sent (or why it would be
 * skipped), its segments against MANGO's limit, whether the deal meets the conditions, and who gets the
 * SMS — each recipient left out with the reason. "Лично мне" is the caller, who becomes the author on save.
 * A mutation only for its POST body: a half-typed Cyrillic template would overflow a GET URL. It changes
 * nothing. Rule editors only: the preview reads any deal of the account with the tenant's token and shows
 * its contact's data, which amoCRM itself may not show this user.
 */
export const rulesPreview = ruleEditorProcedure
  .meta({
    access: "extended",
    sample: () => ({
      leadId: 9_000_001,
      pipelineId: 3_300_000,
      statusId: 4_400_100,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      sms: { recipients: ["client"], template: "Здравствуйте, {{maincontact.name}}", fallback: null },
    }),
  })
  .input(
    z.object({
      leadId: amoId,
      pipelineId: amoId,
      statusId: amoId,
      trigger: z.enum(RULE_TRIGGERS),
      conditions: conditionsSchema,
      sms: smsPreviewDraftSchema,
    }),
  )
  .output(
    z.discriminatedUnion("found", [
      z.object({ found: z.literal(false) }),
      z.object({
        found: z.literal(true),
        deal: z.object({
          id: z.number(),
          name: z.string(),
          price: z.number(),
          responsibleName: z.string().nullable(),
          inStage: z.boolean(),
        }),
        conditions: z.object({ matches: z.boolean(), reason: z.string().nullable() }),
        text: z.discriminatedUnion("ok", [
          z.object({
            ok: z.literal(true),
            text: z.string(),
            fallbackFor: z.array(z.string()),
            count: z.object({
              encoding: z.enum(["GSM-7", "UCS-2"]),
              units: z.number(),
              segments: z.number(),
              perSegment: z.number(),
              remaining: z.number(),
            }),
            limit: z.number(),
            limitReason: z.string().nullable(),
          }),
          z.object({ ok: z.literal(false), reason: z.string() }),
        ]),
        recipients: z.array(
          z.object({ roles: z.array(role), name: z.string().nullable(), phone: z.string() }),
        ),
        skipped: z.array(z.object({ role, name: z.string().nullable(), reason: z.string() })),
      }),
    ]),
  )
  .mutation(({ ctx, input }) =>
    readingAmocrm(() => previewSms(ctx.db, ctx.tenant, { ...input, authorAmoUserId: ctx.user.amocrmUserId })),
  );
