import { z } from "zod";
import { RULE_TRIGGERS } from "@/lib/domain/rules/schema";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import type { AccountWebhookEvent } from "./account-webhook";
import { runRulesForAccountEvent } from "./account-webhook-run";
import type { DpTriggerEvent } from "./dp-webhook";
import { runRulesForDpEvent } from "./run";

const id = z.number().int().positive();

/** The intake's parsed event as stored in the job payload (DpTriggerEvent). */
const dpTriggerEventSchema: z.ZodType<DpTriggerEvent> = z.object({
  accountId: id.nullable(),
  subdomain: z.string().nullable(),
  leadId: id,
  elementType: z.enum(["lead", "customer", "other"]),
  pipelineId: id,
  statusId: id,
  type: z.number().int(),
  typeCode: z.string().nullable(),
  direction: z.string().nullable(),
  time: z.number().int(),
  trigger: z.enum(RULE_TRIGGERS).nullable(),
  widgetSettings: z.record(z.string(), z.unknown()),
});

export const evaluateRulesPayload = z.object({
  inboxId: z.uuid(),
  /** The DP webhook as parsed by the intake (dp-webhook.ts); only ids — the deal is read by the job. */
  event: dpTriggerEventSchema,
});
export type EvaluateRulesPayload = z.infer<typeof evaluateRulesPayload>;

/**
 * The rules of a stage run for one DP event. Re-running is harmless: every side effect it plans carries
 * an idempotency key (rule, deal, event), so a retry or a redelivered webhook plans nothing new.
 */
export const evaluateRulesJob = defineJob({
  id: "rules.evaluate",
  title: "Правила цифровой воронки",
  payload: evaluateRulesPayload,
  subject: (p) => `сделка ${p.event.leadId}`,
  // The amoCRM bucket (7 rps) is shared with everything else the tenant does.
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId, queue, attempt }) => {
    if (!tenantId) return { status: "skipped", reason: "событие без аккаунта" };
    try {
      return await runRulesForDpEvent(db, queue, { tenantId, event: p.event, attempt });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});

/** The account webhook as parsed by the intake (account-webhook.ts): ids only. */
const accountWebhookEventSchema: z.ZodType<AccountWebhookEvent> = z.object({
  accountId: id.nullable(),
  subdomain: z.string().nullable(),
  changes: z.array(
    z.object({
      kind: z.enum(["responsible", "status"]),
      leadId: id,
      pipelineId: id,
      statusId: id,
      oldStatusId: id.nullable(),
      responsibleUserId: id.nullable(),
      lastModified: z.number().int(),
      trigger: z.enum(RULE_TRIGGERS).nullable(),
    }),
  ),
});

export const accountEventPayload = z.object({
  inboxId: z.uuid(),
  event: accountWebhookEventSchema,
});
export type AccountEventPayload = z.infer<typeof accountEventPayload>;

/**
 * The rules for one account webhook ("responsible changed", "deal lost"). Like `rules.evaluate`, re-running
 * is harmless: the occurrence in every idempotency key comes from the webhook (`last_modified` and what
 * changed), so a retry or a redelivery plans nothing new.
 */
export const accountEventRulesJob = defineJob({
  id: "rules.account-event",
  title: "Правила: событие сделки amoCRM",
  payload: accountEventPayload,
  subject: (p) => p.event.changes.map((c) => `сделка ${c.leadId}`).join(", "),
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "событие без аккаунта" };
    try {
      return await runRulesForAccountEvent(db, queue, { tenantId, event: p.event });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});
