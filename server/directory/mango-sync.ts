import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mangoEmployees, mangoGroups } from "@/db/schema";
import { logger } from "@/server/log/logger";
import type { MangoEmployee, MangoGroup } from "@/server/mango/domain";

export type EmployeeSyncReport = { added: string[]; removed: string[]; changed: string[]; total: number };

const keyOf = (e: MangoEmployee) => (e.userId !== null ? `user:${e.userId}` : `ext:${e.extension ?? e.name}`);

/**
 * Refreshes the tenant's MANGO employee cache. Rows are matched by MANGO's user id (extension as a fallback),
 * so a re-sync keeps existing pairs; an employee gone from the PBX is marked absent, not deleted.
 */
export async function syncMangoEmployees(
  db: Db,
  { tenantId, employees }: { tenantId: string; employees: MangoEmployee[] },
): Promise<EmployeeSyncReport> {
  const report: EmployeeSyncReport = { added: [], removed: [], changed: [], total: employees.length };
  await db.transaction(async (tx) => {
    const existing = await tx.select().from(mangoEmployees).where(eq(mangoEmployees.tenantId, tenantId));
    const byKey = new Map(existing.map((r) => [r.mangoKey, r]));
    const seen = new Set<string>();
    for (const e of employees) {
      const mangoKey = keyOf(e);
      seen.add(mangoKey);
      const values = {
        extension: e.extension,
        name: e.name,
        email: e.email,
        mobile: e.mobilePhone ?? null,
        groups: e.groups,
        isPresent: true,
      };
      const before = byKey.get(mangoKey);
      if (!before) {
        await tx.insert(mangoEmployees).values({ tenantId, mangoKey, ...values });
        report.added.push(e.name);
        continue;
      }
      const differs =
        before.extension !== values.extension ||
        before.name !== values.name ||
        before.email !== values.email ||
        before.mobile !== values.mobile ||
        !before.isPresent ||
        JSON.stringify(before.groups) !== JSON.stringify(values.groups);
      if (differs) {
        await tx
          .update(mangoEmployees)
          .set(values)
          .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, before.id)));
        report.changed.push(e.name);
      }
    }
    for (const row of existing) {
      if (seen.has(row.mangoKey) || !row.isPresent) continue;
      await tx
        .update(mangoEmployees)
        .set({ isPresent: false })
        .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, row.id)));
      report.removed.push(row.name);
    }
  });
  return report;
}

export async function listMangoEmployees(db: Db, { tenantId }: { tenantId: string }) {
  return db
    .select()
    .from(mangoEmployees)
    .where(eq(mangoEmployees.tenantId, tenantId))
    .orderBy(mangoEmployees.extension);
}

/**
 * Replaces the tenant's cached MANGO groups (id → name) with what MANGO `groups` answered: the Сотрудники page
 * names an employee's groups from here. A group gone from the PBX is dropped (an employee still listing it
 * shows its id).
 */
export async function syncMangoGroups(
  db: Db,
  { tenantId, groups }: { tenantId: string; groups: MangoGroup[] },
) {
  await db.transaction(async (tx) => {
    const seen = new Set<number>();
    for (const g of groups) {
      seen.add(g.id);
      const values = { name: g.name, extension: g.extension, updatedAt: new Date() };
      await tx
        .insert(mangoGroups)
        .values({ tenantId, groupId: g.id, ...values })
        .onConflictDoUpdate({ target: [mangoGroups.tenantId, mangoGroups.groupId], set: values });
    }
    const cached = await tx.select().from(mangoGroups).where(eq(mangoGroups.tenantId, tenantId));
    for (const row of cached)
      if (!seen.has(row.groupId))
        await tx
          .delete(mangoGroups)
          .where(and(eq(mangoGroups.tenantId, tenantId), eq(mangoGroups.id, row.id)));
  });
  return { total: groups.length };
}

/** The tenant's cached group names by MANGO group id. */
export async function mangoGroupNames(db: Db, { tenantId }: { tenantId: string }) {
  const rows = await db
    .select({ groupId: mangoGroups.groupId, name: mangoGroups.name })
    .from(mangoGroups)
    .where(eq(mangoGroups.tenantId, tenantId));
  return new Map(rows.map((r) => [r.groupId, r.name]));
}

/** Group names are a nicety: a PBX that refuses `groups` still has its employees refreshed. */
export async function refreshMangoGroups(db: Db, tenantId: string, load: () => Promise<MangoGroup[]>) {
  try {
    await syncMangoGroups(db, { tenantId, groups: await load() });
  } catch (err) {
    logger.warn({ tenantId, err: (err as Error).message }, "directory: MANGO groups not refreshed");
  }
}
