import { uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants";

/** The owning tenant: every tenant-owned table has it (index it in the table), cascading on deletion. */
export const tenantRef = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });

/** For rows that may exist before a tenant is known (a rejected webhook, a global cron run). */
export const optionalTenantRef = () =>
  uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" });
