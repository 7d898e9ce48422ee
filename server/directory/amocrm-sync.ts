import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmAccountState, amocrmPipelines, amocrmUsers, tenants } from "@/db/schema";
import { isTimeZone } from "@/lib/account-time";
import type { AmocrmClient } from "@/server/amocrm";

export const DIRECTORY_STALE_MS = 6 * 3600_000;

/**
 * Reads the account's users (with group names) and pipelines from amoCRM into the tenant's cache, and the
 * account's time zone into the tenant (an account that names none, or an unknown one, keeps the current).
 */
export async function syncAmocrmDirectory(
  db: Db,
  { tenantId, client }: { tenantId: string; client: AmocrmClient },
) {
  const [account, users, pipelines] = await Promise.all([
    client.getAccount(),
    client.listUsers(),
    client.listPipelines(),
  ]);
  const groupName = new Map(account.usersGroups.map((g) => [g.id, g.name]));
  await db.transaction(async (tx) => {
    if (isTimeZone(account.timezone)) {
      await tx
        .update(tenants)
        .set({ timeZone: account.timezone, updatedAt: new Date() })
        .where(eq(tenants.id, tenantId));
    }
    for (const u of users) {
      const values = {
        tenantId,
        amoUserId: u.id,
        name: u.name,
        email: u.email,
        groupId: u.groupId,
        groupName: u.groupId === null ? null : (groupName.get(u.groupId) ?? null),
        isAdmin: u.isAdmin,
        isActive: u.isActive,
      };
      await tx
        .insert(amocrmUsers)
        .values(values)
        .onConflictDoUpdate({
          target: [amocrmUsers.tenantId, amocrmUsers.amoUserId],
          set: { ...values, updatedAt: new Date() },
        });
    }
    // A user removed from the account stays (links may point at them) but is no longer active.
    await tx
      .update(amocrmUsers)
      .set({ isActive: false })
      .where(
        and(
          eq(amocrmUsers.tenantId, tenantId),
          users.length
            ? notInArray(
                amocrmUsers.amoUserId,
                users.map((u) => u.id),
              )
            : undefined,
        ),
      );
    for (const p of pipelines.filter((x) => !x.isArchive)) {
      const values = {
        tenantId,
        pipelineId: p.id,
        name: p.name,
        sort: p.sort,
        isMain: p.isMain,
        statuses: p.statuses,
      };
      await tx
        .insert(amocrmPipelines)
        .values(values)
        .onConflictDoUpdate({
          target: [amocrmPipelines.tenantId, amocrmPipelines.pipelineId],
          set: { ...values, updatedAt: new Date() },
        });
    }
    const live = pipelines.filter((x) => !x.isArchive).map((p) => p.id);
    await tx
      .delete(amocrmPipelines)
      .where(
        and(
          eq(amocrmPipelines.tenantId, tenantId),
          live.length ? notInArray(amocrmPipelines.pipelineId, live) : undefined,
        ),
      );
    await tx
      .insert(amocrmAccountState)
      .values({ tenantId, directorySyncedAt: new Date() })
      .onConflictDoUpdate({ target: amocrmAccountState.tenantId, set: { directorySyncedAt: sql`now()` } });
  });
  return { users: users.length, pipelines: pipelines.length };
}

export async function listAmocrmUsers(db: Db, { tenantId }: { tenantId: string }) {
  return db.select().from(amocrmUsers).where(eq(amocrmUsers.tenantId, tenantId)).orderBy(amocrmUsers.name);
}

export type CachedStatus = { id: number; name: string; sort: number; type: string; color: string | null };

export async function listPipelines(db: Db, { tenantId }: { tenantId: string }) {
  const rows = await db
    .select()
    .from(amocrmPipelines)
    .where(eq(amocrmPipelines.tenantId, tenantId))
    .orderBy(amocrmPipelines.sort);
  return rows.map((r) => ({ ...r, statuses: r.statuses as CachedStatus[] }));
}

export async function directorySyncedAt(db: Db, { tenantId }: { tenantId: string }) {
  const [row] = await db.select().from(amocrmAccountState).where(eq(amocrmAccountState.tenantId, tenantId));
  return row?.directorySyncedAt ?? null;
}
