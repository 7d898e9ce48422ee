import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { smsMessages } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import type { DealTruth } from "@/server/rules/deal";
import { idempotencyKeyFor } from "@/server/rules/dp-webhook";
import type { Rule, SmsAction } from "@/server/rules/schema";
import type { DealEvent } from "@/server/rules/snapshot";
import { sendSmsJob } from "./jobs";
import { resolveSmsRecipients, type SmsEmployee } from "./recipients";
import { composeSms } from "./template";

export type SmsPlanOutcome = { queued: number; skipped: string[] };

/** MANGO's `command_id` (≤ 128 bytes) from the idempotency key: the same intent always has the same id. */
export function smsCommandIdFor(idempotencyKey: string): string {
  return `sms-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}`;
}

/**
 * One rule's SMS action for one deal: recipients resolved and the text composed (each with its reason
 * when not), then one `sms_messages` row and one `sms.send` run per recipient. Both are keyed by
 * `idempotencyKeyFor(rule, lead, event, "sms:<role>")`, so a webhook delivered again finds the row and the
 * run already there and sends nothing more.
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
      skipped: [
        "У автора правила больше нет сопоставленного внутреннего номера MANGO OFFICE — SMS не отправляются.",
      ],
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
    await db
      .insert(smsMessages)
      .values({
        tenantId,
        ruleId: rule.id,
        leadId: truth.lead.id,
        contactId: recipient.roles.includes("client") ? (truth.mainContact?.id ?? null) : null,
        recipientRole: role,
        phone: recipient.phone,
        text: composed.text,
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
    const run = await queue.enqueue(sendSmsJob, { smsId: row!.id }, { tenantId, idempotencyKey: key });
    if (run.created) queued += 1;
  }
  return { queued, skipped: reasons };
}
