import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
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
    /**
     * What support may read: an accepted event masked (phones masked, secret fields censored), or what is
     * kept of a rejected body (censored, masked, truncated).
     */
    payload: jsonb("payload"),
    /**
     * The accepted event as received (full phone numbers), AES-256-GCM sealed with the row's tenant and id
     * as additional data (server/webhooks/inbox.ts): the job reads it from here, its payload is only a hint.
     */
    sealedPayload: text("sealed_payload"),
    sealedKeyId: text("sealed_key_id"),
    jobRunId: uuid("job_run_id"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("webhook_inbox_identity").on(t.tenantId, t.provider, t.eventKey),
    index("webhook_inbox_tenant_created").on(t.tenantId, t.createdAt),
  ],
);

export type WebhookInboxRow = typeof webhookInbox.$inferSelect;

/**
 * How many rejected webhooks a source sent in one minute, so that rejections are recorded at a bounded
 * rate (server/webhooks/rejections.ts): one row per scope and minute, shared by every app instance.
 * `scope` is the address (`address:<tenant id | unknown>:<provider>`, every sender together) or one
 * sender at it (`source:<tenant id | unknown>:<provider>:<client address>`). `recorded` rejections got
 * an inbox row and a journal entry (an address's: were let through to its senders' check), `suppressed`
 * ones were only counted here; `last_kept` is the decision of the latest one.
 */
export const webhookRejectionWindows = pgTable(
  "webhook_rejection_windows",
  {
    scope: text("scope").notNull(),
    windowStart: ts("window_start").notNull(),
    tenantId: optionalTenantRef(),
    provider: text("provider").notNull(),
    /** The client address of a `source:` row; null for an address's row. */
    source: text("source"),
    recorded: integer("recorded").notNull().default(0),
    suppressed: integer("suppressed").notNull().default(0),
    lastKept: boolean("last_kept").notNull().default(true),
    lastReason: text("last_reason"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.windowStart] }),
    index("webhook_rejection_windows_tenant").on(t.tenantId, t.windowStart),
  ],
);

export type WebhookRejectionWindow = typeof webhookRejectionWindows.$inferSelect;
