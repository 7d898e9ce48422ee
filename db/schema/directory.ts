import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps } from "./_columns";
import { tenantRef } from "./_tenant-ref";

/** The account's amoCRM users, cached from the API (refresh button, refreshed when stale). */
export const amocrmUsers = pgTable(
  "amocrm_users",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    amoUserId: bigint("amo_user_id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    email: text("email"),
    groupId: bigint("group_id", { mode: "number" }),
    groupName: text("group_name"),
    isAdmin: boolean("is_admin").notNull().default(false),
    isActive: boolean("is_active").notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("amocrm_users_tenant_user").on(t.tenantId, t.amoUserId)],
);

/** Pipelines with their statuses, cached from the API. */
export const amocrmPipelines = pgTable(
  "amocrm_pipelines",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    pipelineId: bigint("pipeline_id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    sort: integer("sort").notNull().default(0),
    isMain: boolean("is_main").notNull().default(false),
    /** [{ id, name, sort, type, color }] */
    statuses: jsonb("statuses").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("amocrm_pipelines_tenant_pipeline").on(t.tenantId, t.pipelineId)],
);

/** The PBX's employees, cached from MANGO `config/users/request`. */
export const mangoEmployees = pgTable(
  "mango_employees",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    /** MANGO general.user_id when known, else the extension; stable across syncs. */
    mangoKey: text("mango_key").notNull(),
    extension: text("extension"),
    name: text("name").notNull(),
    email: text("email"),
    /** E.164 */
    mobile: text("mobile"),
    groups: jsonb("groups").notNull().default([]),
    isPresent: boolean("is_present").notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("mango_employees_tenant_key").on(t.tenantId, t.mangoKey),
    index("mango_employees_ext").on(t.tenantId, t.extension),
  ],
);

/** The PBX's groups (MANGO `groups`), cached with the employees so the page shows names, not ids. */
export const mangoGroups = pgTable(
  "mango_groups",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    groupId: bigint("group_id", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    /** The group's short number, if it has one. */
    extension: text("extension"),
    ...timestamps,
  },
  (t) => [uniqueIndex("mango_groups_tenant_group").on(t.tenantId, t.groupId)],
);

export const employeeLinkSource = pgEnum("employee_link_source", ["email", "name", "mobile", "manual"]);

/**
 * A MANGO employee paired with an amoCRM user. MANGO's own rules hold by construction: one employee maps to
 * at most one user, and one user to at most one employee (so one extension to one user).
 */
export const employeeLinks = pgTable(
  "employee_links",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    mangoEmployeeId: uuid("mango_employee_id")
      .notNull()
      .references(() => mangoEmployees.id, { onDelete: "cascade" }),
    amoUserId: bigint("amo_user_id", { mode: "number" }).notNull(),
    source: employeeLinkSource("source").notNull(),
    createdBy: uuid("created_by"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("employee_links_employee").on(t.tenantId, t.mangoEmployeeId),
    uniqueIndex("employee_links_user").on(t.tenantId, t.amoUserId),
  ],
);

export type MangoEmployeeRow = typeof mangoEmployees.$inferSelect;
export type AmocrmUserRow = typeof amocrmUsers.$inferSelect;
export type EmployeeLinkRow = typeof employeeLinks.$inferSelect;
