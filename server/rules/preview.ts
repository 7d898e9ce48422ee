import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import {
  type Conditions,
  RULE_SCHEMA_VERSION,
  type RULE_TRIGGERS,
  type Rule,
  type RuleDraft,
} from "@/lib/domain/rules/schema";
import type { PairedUser } from "@/server/actions/types";
import { type SmsPreviewDraft, smsPreviewOf } from "@/server/sms/preview";
import { handlerOf } from "./actions";
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

/**
 * The dry run of a whole draft rule on one deal (★): the conditions evaluated against the deal as amoCRM has
 * it, then every action's own preview — "send this text to these numbers", "call employee X then the
 * client from line Y" — with what would be skipped and why. The same resolution the plan uses; nothing is
 * sent, queued or written.
 */
export async function dryRunRule(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl" | "timeZone">,
  input: { leadId: number; draft: RuleDraft; authorAmoUserId: number },
) {
  const truth = await readDealTruth(db, tenant, input.leadId);
  if (!truth) return { found: false as const };
  const { lead, mainContact, responsible } = truth;
  const users = new Map<number, Promise<PairedUser>>();
  const userOf = (amoUserId: number) => {
    let user = users.get(amoUserId);
    if (!user) {
      user = smsEmployeeOf(db, { tenantId: tenant.id, amoUserId });
      users.set(amoUserId, user);
    }
    return user;
  };
  const { draft } = input;
  const event = {
    trigger: draft.trigger,
    pipelineId: draft.pipelineId,
    statusId: draft.statusId,
    occurrence: "dry-run",
  };
  const snapshot = dealSnapshotFrom({
    lead,
    mainContact,
    responsibleUserName: responsible?.name ?? null,
    event,
  });
  const evaluation = evaluateRule(draft, snapshot);
  // The draft is not saved: it acts as the rule its caller would author.
  const rule: Rule = {
    ...draft,
    version: RULE_SCHEMA_VERSION,
    id: "dry-run",
    authorAmoUserId: input.authorAmoUserId,
  };
  const ctx = {
    tenantId: tenant.id,
    rule,
    truth,
    event,
    author: await userOf(input.authorAmoUserId),
    userOf,
  };
  const actions = [];
  for (const action of draft.actions) actions.push(await handlerOf(action).preview(db, ctx, action));
  return {
    found: true as const,
    deal: {
      id: lead.id,
      name: lead.name,
      responsibleName: responsible?.name ?? null,
      inStage: lead.pipelineId === draft.pipelineId && lead.statusId === draft.statusId,
    },
    conditions: evaluation.matches
      ? { matches: true, reason: null }
      : { matches: false, reason: evaluation.failed.reason },
    actions,
  };
}
