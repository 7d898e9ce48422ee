import { z } from "zod";
import { FALLBACK_MAX, TEMPLATE_MAX } from "@/lib/domain/rules/bounds";
import { SMS_RECIPIENTS } from "@/lib/domain/rules/schema";
import { estimateSmsTemplate } from "@/lib/domain/sms/preview-estimate";
import { checkMangoLength } from "@/lib/domain/sms/segments";
import type { DealTruth } from "@/server/actions/types";
import { maskPhone } from "@/server/log/mask";
import { resolveSmsRecipients, type SmsEmployee } from "./recipients";
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

/**
 * The SMS part of a preview on a deal already read (server/rules/preview.ts reads it and evaluates the
 * conditions): the text as it would be sent, or why it would not, and who gets it — each recipient left
 * out with the reason.
 */
export function smsPreviewOf(input: {
  truth: DealTruth;
  author: SmsEmployee;
  sms: SmsPreviewDraft;
  timezone: string;
}) {
  const { lead, mainContact, responsible } = input.truth;
  const rendered = renderSmsTemplate(
    input.sms.template,
    {
      lead,
      mainContact,
      responsible: responsible
        ? { name: responsible.name, extension: responsible.mapped?.extension ?? null }
        : null,
      timezone: input.timezone,
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
    author: input.author,
  });
  return {
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
