import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type MemberRole, memberships, type Tenant, tenants, users } from "@/db/schema";
import { timeZoneOr } from "@/lib/account-time";

export const newWebhookKey = () => randomBytes(24).toString("base64url");

export async function createTenant(
  db: Db,
  input: {
    amocrmAccountId: number;
    amocrmSubdomain: string;
    amocrmBaseUrl: string;
    name: string;
    webhookKey?: string;
  },
): Promise<Tenant> {
  const [row] = await db
    .insert(tenants)
    .values({ ...input, webhookKey: input.webhookKey ?? newWebhookKey() })
    .returning();
  return row!;
}

export async function getTenant(db: Db, { tenantId }: { tenantId: string }) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row ?? null;
}

/** The amoCRM account's time zone of a tenant (dates in SMS, chart days); Moscow for an unknown tenant. */
export async function tenantTimeZone(db: Db, { tenantId }: { tenantId: string }): Promise<string> {
  const [row] = await db.select({ timeZone: tenants.timeZone }).from(tenants).where(eq(tenants.id, tenantId));
  return timeZoneOr(row?.timeZone);
}

/** The tenant a webhook URL names; the only way a webhook learns its tenant. */
export async function getTenantByWebhookKey(db: Db, { webhookKey }: { webhookKey: string }) {
  const [row] = await db.select().from(tenants).where(eq(tenants.webhookKey, webhookKey));
  return row ?? null;
}

export async function upsertUser(
  db: Db,
  input: { amocrmUserId: number; name: string; email?: string | null },
) {
  const [row] = await db
    .insert(users)
    .values(input)
    .onConflictDoUpdate({ target: users.amocrmUserId, set: { name: input.name, email: input.email ?? null } })
    .returning();
  return row!;
}

export async function addMembership(db: Db, input: { tenantId: string; userId: string; role: MemberRole }) {
  const [row] = await db
    .insert(memberships)
    .values(input)
    .onConflictDoNothing({ target: [memberships.tenantId, memberships.userId] })
    .returning();
  return row ?? (await getMembership(db, input));
}

export async function getMembership(db: Db, { tenantId, userId }: { tenantId: string; userId: string }) {
  const [row] = await db
    .select({ membership: memberships, tenant: tenants, user: users })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return row ?? null;
}

export async function listMembershipsOfUser(db: Db, { userId }: { userId: string }) {
  return db
    .select({ tenantId: tenants.id, tenantName: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId));
}

export async function listMembers(db: Db, { tenantId }: { tenantId: string }) {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId));
}

export async function setMemberRole(
  db: Db,
  { tenantId, userId, role }: { tenantId: string; userId: string; role: Exclude<MemberRole, "owner"> },
) {
  const [row] = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning();
  return row ?? null;
}
