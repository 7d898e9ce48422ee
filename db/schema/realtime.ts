import { bigint, bigserial, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { encryptedValue, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";

/**
 * What one instance pushes to a user whose stream is open on another instance (the live call card). The
 * NOTIFY that announces a row carries only its id, tenant and user; the message itself (a card holds a
 * phone number and a client's name) is read from here, sealed with the tenant and user as context. Rows
 * live a few minutes: a listener that reconnected replays the ones it missed, then they are swept.
 */
export const realtimeMessages = pgTable(
  "realtime_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    topic: text("topic").notNull(),
    tenantId: tenantRef(),
    amoUserId: bigint("amo_user_id", { mode: "number" }).notNull(),
    /** The instance that published it (and delivered it to its own subscribers itself). */
    origin: text("origin").notNull(),
    ...encryptedValue(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("realtime_messages_created").on(t.createdAt)],
);

/**
 * Which instance has a stream open for which user, renewed while it does: a publisher writes a message only
 * when another instance waits for it, and the card looks the caller up in amoCRM only when someone watches.
 */
export const realtimePresence = pgTable(
  "realtime_presence",
  {
    instanceId: text("instance_id").notNull(),
    topic: text("topic").notNull(),
    tenantId: tenantRef(),
    amoUserId: bigint("amo_user_id", { mode: "number" }).notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.topic, t.tenantId, t.amoUserId, t.instanceId] }),
    index("realtime_presence_expiry").on(t.expiresAt),
  ],
);
