import { index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { primaryId, timestamps } from "./_columns";
import { optionalTenantRef } from "./_tenant-ref";

export const inboxStatus = pgEnum("inbox_status", ["accepted", "rejected"]);

/**
 * Every webhook that reached us, accepted or not. Accepted events are unique per provider identity,
 * so a redelivery finds the first row instead of creating a second.
 */
export const webhookInbox = pgTable(
  "webhook_inbox",
  {
    id: primaryId(),
    tenantId: optionalTenantRef(),
    provider: text("provider").notNull(),
    kind: text("kind").notNull(),
    /** The provider's identity of the event; null only for rejected bodies. */
    eventKey: text("event_key"),
    status: inboxStatus("status").notNull(),
    reason: text("reason"),
    /** The parsed payload (raw body for rejected ones, truncated). */
    payload: jsonb("payload"),
    jobRunId: uuid("job_run_id"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("webhook_inbox_identity").on(t.tenantId, t.provider, t.eventKey),
    index("webhook_inbox_tenant_created").on(t.tenantId, t.createdAt),
  ],
);

export type WebhookInboxRow = typeof webhookInbox.$inferSelect;
