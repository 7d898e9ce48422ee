// Sign-in with amoCRM, the domain half: an amoCRM identity (account, user, fresh tokens, the validated
// account base URL) becomes a tenant, a person and a membership. The next-auth provider
// (server/auth/amocrm-provider.ts) only talks OAuth and hands the identity in here.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type MemberRole, memberships, type Tenant, tenants, type User, users } from "@/db/schema";
import { isTimeZone } from "@/lib/account-time";
import { recordActivity } from "@/server/activity/record";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { type AmocrmTokens, saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { DIRECTORY_STALE_MS, directorySyncedAt, syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { logger } from "@/server/log/logger";
import { addMembership, newWebhookKey, upsertUser } from "@/server/tenancy/queries";

export type AmocrmIdentity = {
  /** `timeZone`: the account's IANA zone when amoCRM named one (a missing or unknown one keeps ours). */
  account: { id: number; subdomain: string; name: string; timeZone?: string | null };
  /** Already checked against the amoCRM/Kommo (or emulator) allow-list: the tokens were issued there. */
  baseUrl: string;
  /** `name` is null when amoCRM would not say (then the name we already know, if any, stays). */
  user: { id: number; name: string | null; email: string | null };
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

const accountTimeZone = (identity: AmocrmIdentity) =>
  isTimeZone(identity.account.timeZone) ? { timeZone: identity.account.timeZone } : {};

/**
 * Upserts tenant, user and membership from an amoCRM identity, in one transaction under a per-account
 * advisory lock so two people signing in to a brand-new account at once cannot both become its owner. Only
 * database work happens under it: the code was exchanged for tokens before, and the directory sync that
 * follows (`syncDirectoryAfterSignIn`) calls amoCRM after the transaction.
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
            ...accountTimeZone(identity),
          })
          .returning()
      )[0]!;
    const createdTenant = !existing;

    const [known] = await t.select().from(users).where(eq(users.amocrmUserId, identity.user.id));
    const user = await upsertUser(t, {
      amocrmUserId: identity.user.id,
      name: identity.user.name ?? known?.name ?? `Пользователь amoCRM ${identity.user.id}`,
      email: identity.user.name === null ? (known?.email ?? null) : identity.user.email,
    });
    const [anyone] = await t
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.tenantId, tenant.id))
      .limit(1);
    await addMembership(t, { tenantId: tenant.id, userId: user.id, role: anyone ? "member" : "owner" });
    // Re-read: an existing membership keeps its role (an admin stays admin).
    const [current] = await t
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, user.id)));
    const role = current!.role;

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
        ...accountTimeZone(identity),
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

/** Refreshes the tenant's cache of users and pipelines when new, just reconnected or stale. */
export async function syncDirectoryAfterSignIn(db: Db, outcome: SignInOutcome): Promise<void> {
  const { tenant } = outcome;
  // Without working tokens (a member signing in to a tenant that lost amoCRM) a sync could only fail again.
  if (tenant.status !== "active") return;
  const synced = await directorySyncedAt(db, { tenantId: tenant.id });
  const stale = !synced || Date.now() - synced.getTime() > DIRECTORY_STALE_MS;
  if (!outcome.createdTenant && !outcome.reactivated && !stale) return;
  try {
    await syncAmocrmDirectory(db, { tenantId: tenant.id, client: amocrmClientFor(db, tenant) });
  } catch (err) {
    // The sign-in itself succeeded; the directory has its refresh button and is retried when stale.
    logger.warn({ tenantId: tenant.id, err: String(err) }, "amoCRM directory sync after sign-in failed");
  }
}
