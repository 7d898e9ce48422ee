import { createHash, randomUUID } from "node:crypto";
import { and, eq, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { smsMessages } from "@/db/schema";
import type { Rule, SmsAction } from "@/lib/domain/rules/schema";
import type { DealEvent, DealTruth } from "@/server/actions/types";
import { idempotencyKeyFor } from "@/server/actions/types";
import type { JobQueue } from "@/server/jobs/queue";
import { tenantTimeZone } from "@/server/tenancy/queries";
import { sendSmsJob } from "./jobs";
import { sealSms } from "./phone";
import { resolveSmsRecipients, type SmsEmployee } from "./recipients";
import { composeSms } from "./template";

export type SmsPlanOutcome = { queued: number; skipped: string[] };

/** How long one rule stays silent towards one deal and recipient after an SMS (see `planSmsAction`). */
export const REPEAT_GUARD_MINUTES = 10;
export const NO_AUTHOR_EXTENSION =
  "У автора правила больше нет сопоставленного внутреннего номера MANGO OFFICE — SMS не отправляются.";
export const SENT_RECENTLY = "Правило уже отправило SMS по этой сделке менее 10 минут назад";

/** MANGO's `command_id` (≤ 128 bytes) from the idempotency key: the same intent always has the same id. */
export function smsCommandIdFor(idempotencyKey: string): string {
  return `sms-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}`;
}

/**
 * One rule's SMS action for one deal: recipients resolved and the text composed (each with its reason
 * when not), then one `sms_messages` row and one `sms.send` run per recipient. Both are keyed by
 * `idempotencyKeyFor(rule, lead, event, "sms:<role>")`, so a webhook delivered again finds the row and the
 * run already there and sends nothing more.
 *
 * The key's occurrence is amoCRM's for a confirmed DP stage entry (the move's event id, dp-confirm.ts), but
 * comes from the webhook body elsewhere (the lead's `last_modified` of an account webhook, the DP event's
 * time of a call/mail/chat trigger), and those webhooks are not signed: bodies with fresh times — or a job
 * retried after the deal changed — would be new intents; and a deal really re-entering a stage is one too.
 * So a new intent of the same rule for the same deal and recipient within
 * `REPEAT_GUARD_MINUTES` of an earlier SMS is skipped with the reason; the same intent again still meets
 * its own row (nothing new, no reason).
 */
export async function planSmsAction(
  db: Db,
  queue: JobQueue,
  input: {
    tenantId: string;
    rule: Rule;
    action: SmsAction;
    truth: DealTruth;
    author: SmsEmployee;
    event: DealEvent;
  },
): Promise<SmsPlanOutcome> {
  const { tenantId, rule, action, truth, author, event } = input;
  const fromExtension = author.mapped?.extension;
  if (!fromExtension)
    return {
      queued: 0,
      skipped: [NO_AUTHOR_EXTENSION],
    };
  const { recipients, skipped } = resolveSmsRecipients({
    roles: action.recipients,
    mainContact: truth.mainContact,
    responsible: truth.responsible,
    author,
  });
  const reasons = skipped.map((s) => s.reason);
  if (recipients.length === 0) return { queued: 0, skipped: reasons };
  const composed = composeSms(
    action.template,
    {
      timezone: await tenantTimeZone(db, { tenantId }),
      lead: truth.lead,
      mainContact: truth.mainContact,
      responsible: truth.responsible
        ? { name: truth.responsible.name, extension: truth.responsible.mapped?.extension ?? null }
        : null,
    },
    { fallback: action.fallback },
  );
  if (!composed.ok) return { queued: 0, skipped: [...reasons, composed.reason] };

  let queued = 0;
  for (const recipient of recipients) {
    const role = recipient.roles.join("+");
    const key = idempotencyKeyFor(rule, truth.lead.id, event, `sms:${role}`);
    if (await sentRecently(db, { tenantId, ruleId: rule.id, leadId: truth.lead.id, role, key })) {
      reasons.push(SENT_RECENTLY);
      continue;
    }
    const id = randomUUID();
    await db
      .insert(smsMessages)
      .values({
        id,
        tenantId,
        ruleId: rule.id,
        leadId: truth.lead.id,
        contactId: recipient.roles.includes("client") ? (truth.mainContact?.id ?? null) : null,
        recipientRole: role,
        ...sealSms({ tenantId, id }, { phone: recipient.phone, text: composed.text }),
        segments: composed.count.segments,
        fromExtension,
        senderName: action.senderName,
        idempotencyKey: key,
        commandId: smsCommandIdFor(key),
      })
      .onConflictDoNothing();
    const [row] = await db
      .select({ id: smsMessages.id })
      .from(smsMessages)
      .where(and(eq(smsMessages.tenantId, tenantId), eq(smsMessages.idempotencyKey, key)));
    const run = await queue.enqueue(
      sendSmsJob,
      { smsId: row!.id },
      { tenantId, idempotencyKey: key, subjectKey: `sms:${smsCommandIdFor(key)}` },
    );
    if (run.created) queued += 1;
  }
  return { queued, skipped: reasons };
}

/**
 * Whether another intent (another idempotency key) of this rule texted this deal's recipient role within
 * `REPEAT_GUARD_MINUTES`. One query over the window's rows and this key's own row — when that exists, the
 * intent is a repeat of itself and goes on to find its row (and its send run).
 */
async function sentRecently(
  db: Db,
  input: { tenantId: string; ruleId: string; leadId: number; role: string; key: string },
): Promise<boolean> {
  const rows = await db
    .select({ key: smsMessages.idempotencyKey })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.tenantId, input.tenantId),
        eq(smsMessages.ruleId, input.ruleId),
        eq(smsMessages.leadId, input.leadId),
        eq(smsMessages.recipientRole, input.role),
        or(
          eq(smsMessages.idempotencyKey, input.key),
          gt(smsMessages.createdAt, sql`now() - make_interval(mins => ${REPEAT_GUARD_MINUTES}::int)`),
        ),
      ),
    )
    // This key's own row first: when it exists, nothing else matters.
    .orderBy(sql`(${smsMessages.idempotencyKey} = ${input.key}) desc`)
    .limit(1);
  return rows.length > 0 && rows[0]!.key !== input.key;
}

/**
 * The SMS rows a rule already has for some deals (any occurrence, any recipient), for "apply to current
 * deals": one query per page of 250 deals instead of one per deal.
 */
export async function ruleSmsOfLeads(
  db: Db,
  { tenantId, ruleId, leadIds }: { tenantId: string; ruleId: string; leadIds: number[] },
): Promise<{ leadId: number; idempotencyKey: string; createdAt: Date }[]> {
  if (leadIds.length === 0) return [];
  const rows = await db
    .select({
      leadId: smsMessages.leadId,
      idempotencyKey: smsMessages.idempotencyKey,
      createdAt: smsMessages.createdAt,
    })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.tenantId, tenantId),
        eq(smsMessages.ruleId, ruleId),
        isNotNull(smsMessages.leadId),
        inArray(smsMessages.leadId, leadIds),
      ),
    );
  return rows.map((r) => ({ ...r, leadId: r.leadId! }));
}
