import { bigint, index, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { primaryId, timestamps } from "./_columns";
import { tenantRef } from "./_tenant-ref";

export const memberRole = pgEnum("member_role", ["owner", "admin", "member"]);

/** A person, identified by their amoCRM user. */
export const users = pgTable("users", {
  id: primaryId(),
  amocrmUserId: bigint("amocrm_user_id", { mode: "number" }).notNull().unique(),
  name: text("name").notNull(),
  email: text("email"),
  ...timestamps,
});

export const memberships = pgTable(
  "memberships",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole("role").notNull().default("member"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("memberships_tenant_user").on(t.tenantId, t.userId),
    index("memberships_user").on(t.userId),
  ],
);

export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];
