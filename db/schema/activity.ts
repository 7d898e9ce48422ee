import { index, integer, jsonb, pgEnum, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { optionalTenantRef, tenantRef } from "./_tenant-ref";

export const activitySource = pgEnum("activity_source", ["webhook", "job"]);
export const activityStatus = pgEnum("activity_status", [
  "received",
  "rejected",
  "queued",
  "running",
  "retrying",
  "done",
  "skipped",
  "failed",
]);

/**
 * What a person reads in "Журнал": one entry per webhook event or job run, updated as it moves to its
 * final state. The payload is stored already masked (no secrets, no full phone numbers).
 */
export const activityLog = pgTable(
  "activity_log",
  {
    id: primaryId(),
    tenantId: optionalTenantRef(),
    source: activitySource("source").notNull(),
    sourceId: uuid("source_id").notNull(),
    kind: text("kind").notNull(),
    subject: text("subject"),
    /**
     * What the entry belongs to, so the owner's journal folds one call / SMS / deal event into one row:
     * `call:<entry_id>`, `sms:<command_id>`, `lead:<id>@<occurrence>`, `apply:<application id>`, or
     * `<provider>.<kind>:<event key>` for other webhooks and their job. Null: the entry stands alone.
     */
    subjectKey: text("subject_key"),
    status: activityStatus("status").notNull(),
    reason: text("reason"),
    attempts: integer("attempts").notNull().default(0),
    nextRetryAt: ts("next_retry_at"),
    payload: jsonb("payload"),
    ...timestamps,
  },
  (t) => [
    unique("activity_log_source").on(t.source, t.sourceId),
    index("activity_log_tenant_created").on(t.tenantId, t.createdAt),
    index("activity_log_tenant_subject_key").on(t.tenantId, t.subjectKey),
  ],
);

/** Who changed which setting, written in the same transaction as the change. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    actorUserId: uuid("actor_user_id"),
    action: text("action").notNull(),
    target: text("target"),
    before: jsonb("before"),
    after: jsonb("after"),
    ...timestamps,
  },
  (t) => [index("audit_log_tenant_created").on(t.tenantId, t.createdAt)],
);

export type ActivityEntry = typeof activityLog.$inferSelect;
export type ActivityStatus = (typeof activityStatus.enumValues)[number];
