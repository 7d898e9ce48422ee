import { bigint, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { primaryId, timestamps } from "./_columns";

export const tenantStatus = pgEnum("tenant_status", ["active", "needs_reconnect", "disconnected"]);

/** A tenant is one amoCRM account. */
export const tenants = pgTable("tenants", {
  id: primaryId(),
  amocrmAccountId: bigint("amocrm_account_id", { mode: "number" }).notNull().unique(),
  amocrmSubdomain: text("amocrm_subdomain").notNull(),
  /** e.g. https://demo.amocrm.ru, or the emulator's http://127.0.0.1:4010/a/demo */
  amocrmBaseUrl: text("amocrm_base_url").notNull(),
  name: text("name").notNull(),
  status: tenantStatus("status").notNull().default("active"),
  /** Unguessable path segment of this tenant's webhook URLs; the tenant of a webhook comes from it. */
  webhookKey: text("webhook_key").notNull().unique(),
  /**
   * The amoCRM account's IANA time zone (account `datetime_settings.timezone`), read at sign-in and every
   * directory refresh: dates, chart days and period filters follow it.
   */
  timeZone: text("time_zone").notNull().default("Europe/Moscow"),
  ...timestamps,
});

export type Tenant = typeof tenants.$inferSelect;
