import { z } from "zod";
import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { FALLBACK_MAX, TEMPLATE_MAX } from "@/lib/domain/rules/bounds";
import { type Conditions, type RULE_TRIGGERS, SMS_RECIPIENTS } from "@/lib/domain/rules/schema";
import { estimateSmsTemplate } from "@/lib/domain/sms/preview-estimate";
import { checkMangoLength } from "@/lib/domain/sms/segments";
import { maskPhone } from "@/server/log/mask";
import { readDealTruth, smsEmployeeOf } from "@/server/rules/deal";
import { evaluateRule } from "@/server/rules/evaluate";
import { dealSnapshotFrom } from "@/server/rules/snapshot";
import { resolveSmsRecipients } from "./recipients";
import { analyseSmsTemplate, renderSmsTemplate, templateProblem } from "./template";

/**
 * The editor's live preview: the draft SMS rendered against a deal the admin picks, with the same
 * functions the send path uses (readDealTruth, resolveSmsRecipients, renderSmsTemplate, checkMangoLength),
 * so what the preview says — the text, the skip reason, who gets it and who not — is what would happen.
 */

/** The part of the draft the preview needs; looser than the rule schema, since the draft is half-typed. */
export const smsPreviewDraftSchema = z.object({
  recipients: z.array(z.enum(SMS_RECIPIENTS)).max(SMS_RECIPIENTS.length),
  template: z.string().max(TEMPLATE_MAX),
  fallback: z.string().max(FALLBACK_MAX).nullable(),
});
export type SmsPreviewDraft = z.infer<typeof smsPreviewDraftSchema>;

export type SmsPreviewInput = {
  leadId: number;
  pipelineId: number;
  statusId: number;
  trigger: (typeof RULE_TRIGGERS)[number];
  conditions: Conditions;
  sms: SmsPreviewDraft;
  /** Who saves the rule becomes its author: "лично мне" is them. */
  authorAmoUserId: number;
};

export async function previewSms(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl" | "timeZone">,
  input: SmsPreviewInput,
) {
  const truth = await readDealTruth(db, tenant, input.leadId);
  if (!truth) return { found: false as const };
  const { lead, mainContact, responsible } = truth;
  const author = await smsEmployeeOf(db, { tenantId: tenant.id, amoUserId: input.authorAmoUserId });

  const snapshot = dealSnapshotFrom({
    lead,
    mainContact,
    responsibleUserName: responsible?.name ?? null,
    event: {
      trigger: input.trigger,
      pipelineId: input.pipelineId,
      statusId: input.statusId,
      occurrence: "preview",
    },
  });
  const evaluation = evaluateRule({ conditions: input.conditions }, snapshot);

  const rendered = renderSmsTemplate(
    input.sms.template,
    {
      lead,
      mainContact,
      responsible: responsible
        ? { name: responsible.name, extension: responsible.mapped?.extension ?? null }
        : null,
      timezone: tenant.timeZone,
    },
    { fallback: input.sms.fallback },
  );
  const text = rendered.ok
    ? (() => {
        const length = checkMangoLength(rendered.text);
        return {
          ok: true as const,
          text: rendered.text,
          fallbackFor: rendered.fallbackFor,
          count: length.count,
          limit: length.limit,
          limitReason: length.ok ? null : length.reason,
        };
      })()
    : { ok: false as const, reason: rendered.reason };

  const { recipients, skipped } = resolveSmsRecipients({
    roles: input.sms.recipients,
    mainContact,
    responsible,
    author,
  });
  return {
    found: true as const,
    deal: {
      id: lead.id,
      name: lead.name,
      price: lead.price,
      responsibleName: responsible?.name ?? null,
      inStage: lead.pipelineId === input.pipelineId && lead.statusId === input.statusId,
    },
    conditions: evaluation.matches
      ? { matches: true, reason: null }
      : { matches: false, reason: evaluation.failed.reason },
    text,
    recipients: recipients.map((r) => ({ roles: r.roles, name: r.name, phone: maskPhone(r.phone) })),
    skipped,
  };
}

/**
 * Why `rules.save` refuses a template whatever the deal: an unknown or broken macro, or a text that is over
 * MANGO's limit even with typical values (the editor's counter uses the same estimate). Null when fine.
 */
export function smsTemplateProblem(template: string): string | null {
  const problem = templateProblem(analyseSmsTemplate(template));
  if (problem) return problem;
  const { length } = estimateSmsTemplate(template);
  return length.ok ? null : `${length.reason} (макросы посчитаны по типичным значениям)`;
}
