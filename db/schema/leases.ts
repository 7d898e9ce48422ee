import { pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "./_columns";

/**
 * Named mutual exclusion that holds no connection: a row per key while some process works under it
 * (server/leases/lease.ts). Used where the work calls amoCRM or MANGO, so no transaction or advisory lock is
 * held across the HTTP call. A holder that died leaves a row that is free once `expires_at` has passed.
 */
export const leases = pgTable("leases", {
  key: text("key").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: ts("expires_at").notNull(),
});
