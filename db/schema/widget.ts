import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";

/**
 * amoCRM disposable tokens (their `jti`) already exchanged for a widget session: a token opens one session,
 * so one read from a log or a page cannot open another. Kept until the token expires, then swept.
 */
export const widgetTokenUses = pgTable(
  "widget_token_uses",
  {
    tenantId: tenantRef(),
    jti: text("jti").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.jti] }),
    index("widget_token_uses_expiry").on(t.tenantId, t.expiresAt),
  ],
);
