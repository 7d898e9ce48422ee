import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { Conditions, RULE_TRIGGERS } from "@/lib/domain/rules/schema";
import { type SmsPreviewDraft, smsPreviewOf } from "@/server/sms/preview";
import { readDealTruth, smsEmployeeOf } from "./deal";
import { evaluateRule } from "./evaluate";
import { dealSnapshotFrom } from "./snapshot";

/**
 * The editor's live SMS preview: the draft SMS rendered against a deal the admin picks, with the same
 * functions the send path uses (readDealTruth, resolveSmsRecipients, renderSmsTemplate, checkMangoLength),
 * so what the preview says — the text, the skip reason, who gets it and who not — is what would happen.
 */
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
    ...smsPreviewOf({ truth, author, sms: input.sms, timezone: tenant.timeZone }),
  };
}
