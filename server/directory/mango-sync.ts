import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mangoEmployees } from "@/db/schema";
import type { MangoEmployee } from "@/server/mango/domain";

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
