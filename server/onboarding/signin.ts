// Sign-in with amoCRM, the domain half: an amoCRM identity (account, user, fresh tokens, the validated
// account base URL) becomes a tenant, a person and a membership. The next-auth provider
// (server/auth/amocrm-provider.ts) only talks OAuth and hands the identity in here.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type MemberRole, memberships, type Tenant, tenants, type User } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { type AmocrmTokens, saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { addMembership, newWebhookKey, upsertUser } from "@/server/tenancy/queries";

export type AmocrmIdentity = {
  account: { id: number; subdomain: string; name: string };
  /** Already checked against the amoCRM/Kommo (or emulator) allow-list: the tokens were issued there. */
  baseUrl: string;
  user: { id: number; name: string; email: string | null };
  tokens: AmocrmTokens;
};

export type SignInOutcome = {
  tenant: Tenant;
  user: User;
  role: MemberRole;
  /** This sign-in created the tenant (the first sign-in of the account). */
  createdTenant: boolean;
  /** The tokens of this sign-in became the tenant's (owner/admin sign-ins only). */
  storedTokens: boolean;
  /** The tenant was needs_reconnect/disconnected and is active again. */
  reactivated: boolean;
};

const CAN_CONNECT: readonly MemberRole[] = ["owner", "admin"];

/**
 * Upserts tenant, user and membership from an amoCRM identity, in one transaction under a per-account
 * advisory lock so two people signing in to a brand-new account at once cannot both become its owner.
 *
 * - First sign-in of an account: creates the tenant (base URL = the validated account base) and makes the
 *   user its owner. A tenant that exists but has nobody in it (seeded, or everyone removed) also gives its
 *   first signer ownership: otherwise nobody could ever administer it.
 * - Later users join as members; an existing membership keeps its role.
 * - Owner/admin sign-ins store the newest token pair (sealed) together with the base URL they belong to,
 *   and bring a needs_reconnect/disconnected tenant back to active. A member's tokens are not kept: the
 *   tenant's background work runs with the rights of whoever connected it.
 */
export async function signInWithAmocrm(db: Db, identity: AmocrmIdentity): Promise<SignInOutcome> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`select pg_advisory_xact_lock(hashtext(${`amocrm-signin:${identity.account.id}`}))`);

    const [existing] = await t.select().from(tenants).where(eq(tenants.amocrmAccountId, identity.account.id));
    const tenant =
      existing ??
      (
        await t
          .insert(tenants)
          .values({
            amocrmAccountId: identity.account.id,
            amocrmSubdomain: identity.account.subdomain,
            amocrmBaseUrl: identity.baseUrl,
            name: identity.account.name,
            webhookKey: newWebhookKey(),
          })
          .returning()
      )[0]!;
    const createdTenant = !existing;

    const user = await upsertUser(t, {
      amocrmUserId: identity.user.id,
      name: identity.user.name,
      email: identity.user.email,
    });
    const [anyone] = await t
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.tenantId, tenant.id))
      .limit(1);
    await addMembership(t, { tenantId: tenant.id, userId: user.id, role: anyone ? "member" : "owner" });
    // Re-read: an existing membership keeps its role (an admin stays admin).
    const [{ role }] = (await t
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, user.id)))) as [
      { role: MemberRole },
    ];

    if (!CAN_CONNECT.includes(role)) {
      return { tenant, user, role, createdTenant, storedTokens: false, reactivated: false };
    }

    await saveAmocrmTokens(t, { tenantId: tenant.id, tokens: identity.tokens });
    const reactivated = tenant.status !== "active";
    const [updated] = await t
      .update(tenants)
      .set({
        status: "active",
        // The tokens only work on the base they were issued for (an account may change its subdomain).
        amocrmBaseUrl: identity.baseUrl,
        amocrmSubdomain: identity.account.subdomain,
        updatedAt: new Date(),
      })
      .where(and(eq(tenants.id, tenant.id), eq(tenants.amocrmAccountId, identity.account.id)))
      .returning();
    if (createdTenant || reactivated) {
      await recordActivity(t, {
        tenantId: tenant.id,
        source: "job",
        sourceId: crypto.randomUUID(),
        kind: createdTenant ? "amocrm.connected" : "amocrm.reconnected",
        status: "done",
        subject: identity.account.name,
        reason: createdTenant
          ? `аккаунт amoCRM подключён: ${user.name}`
          : `доступ к amoCRM восстановлен: ${user.name}`,
      });
    }
    return { tenant: updated!, user, role, createdTenant, storedTokens: true, reactivated };
  });
}
