import { sql } from "drizzle-orm";
import { bigint, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";
import { rules } from "./rules";

export const smsStatus = pgEnum("sms_status", ["queued", "sent", "delivered", "failed", "skipped"]);

/**
 * One SMS a rule sends (or decided not to send): the record that makes sending idempotent. The row is
 * created with the rule run's idempotency key before MANGO is asked, `command_id` ties MANGO's
 * `result/sms` / `events/sms` back to it, and the amoCRM note ids mark the notes as written once.
 */
export const smsMessages = pgTable(
  "sms_messages",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    leadId: bigint("lead_id", { mode: "number" }),
    contactId: bigint("contact_id", { mode: "number" }),
    /** client / responsible / author; several joined by "," when one number stands for several roles. */
    recipientRole: text("recipient_role").notNull(),
    /**
     * The number masked (`+7999***4567`: the last four digits stay, for the SMS log's "ends with" search);
     * the E.164 number in `phone_sealed` (AES-256-GCM, bound to the tenant and the row) and `phone_lookup`
     * (keyed HMAC, tenant-bound) to find it by the whole number. Rows from before sealing hold it whole here.
     */
    phone: text("phone").notNull(),
    phoneSealed: text("phone_sealed"),
    phoneLookup: text("phone_lookup"),
    /** The text with every phone number in it masked; the text as sent in `text_sealed`. */
    text: text("text").notNull(),
    textSealed: text("text_sealed"),
    /** The key that sealed `phone_sealed` and `text_sealed`. */
    sealKeyId: text("seal_key_id"),
    segments: integer("segments").notNull().default(1),
    /** Sent from this extension (the rule author's) under this sender name, fixed when the row is made. */
    fromExtension: text("from_extension").notNull(),
    senderName: text("sender_name"),
    idempotencyKey: text("idempotency_key").notNull(),
    commandId: text("command_id").notNull(),
    status: smsStatus("status").notNull().default("queued"),
    /** Why it failed or was skipped (Russian, for the journal and the SMS log). */
    reason: text("reason"),
    /** MANGO's result / delivery report code. */
    resultCode: integer("result_code"),
    /**
     * Set just before `commands/sms` is sent. Set without `sent_at` after a crash or an unknown outcome:
     * MANGO does not deduplicate command_id, so the SMS is never asked for again — `result/sms` decides.
     */
    commandAt: ts("command_at"),
    /** MANGO acknowledged the command (then `result/sms` 1000 confirms it went out). */
    sentAt: ts("sent_at"),
    deliveredAt: ts("delivered_at"),
    contactNoteId: bigint("contact_note_id", { mode: "number" }),
    leadNoteId: bigint("lead_note_id", { mode: "number" }),
    notedAt: ts("noted_at"),
    /**
     * Sent and waiting for its notes: the per-tenant notes job writes such rows in batches (one contacts
     * request and one leads request per batch, server/sms/notes.ts). `notes_locked_until` is that job's
     * claim on the row.
     */
    notesDueAt: ts("notes_due_at"),
    notesLockedUntil: ts("notes_locked_until"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("sms_messages_tenant_key").on(t.tenantId, t.idempotencyKey),
    uniqueIndex("sms_messages_tenant_command").on(t.tenantId, t.commandId),
    index("sms_messages_tenant_created").on(t.tenantId, t.createdAt),
    index("sms_messages_tenant_phone_lookup").on(t.tenantId, t.phoneLookup),
    // "Has this rule already texted this deal?" — the 10-minute guard and the apply-to-current-deals skip.
    index("sms_messages_tenant_rule_lead").on(t.tenantId, t.ruleId, t.leadId),
    index("sms_messages_notes_due")
      .on(t.tenantId, t.notesDueAt)
      .where(sql`${t.notesDueAt} is not null and ${t.notedAt} is null`),
  ],
);

export type SmsMessageRow = typeof smsMessages.$inferSelect;
