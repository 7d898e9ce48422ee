import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, employeeLinks, mangoEmployees } from "@/db/schema";
import { mangoGroupNames } from "@/server/directory/mango-sync";
import { type MatchReason, proposeMatches } from "./matching";

export type LinkSource = MatchReason | "manual";

/** Both directories of the tenant with their pairs: what the Сотрудники page shows. */
export async function listDirectory(db: Db, { tenantId }: { tenantId: string }) {
  const [employeeRows, userRows, groupNames] = await Promise.all([
    db
      .select({ employee: mangoEmployees, link: employeeLinks })
      .from(mangoEmployees)
      .leftJoin(
        employeeLinks,
        and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.mangoEmployeeId, mangoEmployees.id)),
      )
      .where(eq(mangoEmployees.tenantId, tenantId))
      .orderBy(mangoEmployees.extension, mangoEmployees.name),
    db
      .select({ user: amocrmUsers, link: employeeLinks })
      .from(amocrmUsers)
      .leftJoin(
        employeeLinks,
        and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.amoUserId, amocrmUsers.amoUserId)),
      )
      .where(eq(amocrmUsers.tenantId, tenantId))
      .orderBy(amocrmUsers.name),
    mangoGroupNames(db, { tenantId }),
  ]);
  const userById = new Map(userRows.map((r) => [r.user.amoUserId, r.user]));
  return {
    employees: employeeRows.map(({ employee: e, link }) => {
      const user = link ? userById.get(link.amoUserId) : undefined;
      return {
        id: e.id,
        extension: e.extension,
        name: e.name,
        email: e.email,
        mobile: e.mobile,
        groups: (Array.isArray(e.groups) ? (e.groups as unknown[]).map(Number) : []).map((id) => ({
          id,
          name: groupNames.get(id) ?? null,
        })),
        isPresent: e.isPresent,
        link: link
          ? {
              amoUserId: link.amoUserId,
              userName: user?.name ?? null,
              userActive: user?.isActive ?? false,
              source: link.source as LinkSource,
            }
          : null,
      };
    }),
    users: userRows.map(({ user: u, link }) => ({
      amoUserId: u.amoUserId,
      name: u.name,
      email: u.email,
      groupName: u.groupName,
      isAdmin: u.isAdmin,
      isActive: u.isActive,
      linkedEmployeeId: link?.mangoEmployeeId ?? null,
    })),
  };
}

/** Employees still in the PBX and active amoCRM users that nobody has paired yet. */
async function freePeople(db: Db, tenantId: string) {
  const [employees, users] = await Promise.all([
    db
      .select({
        id: mangoEmployees.id,
        extension: mangoEmployees.extension,
        name: mangoEmployees.name,
        email: mangoEmployees.email,
        mobile: mangoEmployees.mobile,
      })
      .from(mangoEmployees)
      .leftJoin(
        employeeLinks,
        and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.mangoEmployeeId, mangoEmployees.id)),
      )
      .where(
        and(
          eq(mangoEmployees.tenantId, tenantId),
          eq(mangoEmployees.isPresent, true),
          isNull(employeeLinks.id),
        ),
      )
      .orderBy(mangoEmployees.extension, mangoEmployees.name),
    db
      .select({ amoUserId: amocrmUsers.amoUserId, name: amocrmUsers.name, email: amocrmUsers.email })
      .from(amocrmUsers)
      .leftJoin(
        employeeLinks,
        and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.amoUserId, amocrmUsers.amoUserId)),
      )
      .where(
        and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.isActive, true), isNull(employeeLinks.id)),
      )
      .orderBy(amocrmUsers.name),
  ]);
  return { employees, users };
}

/** The automatic matching over the tenant's free employees and users, with names for display. */
export async function currentProposals(db: Db, { tenantId }: { tenantId: string }) {
  const free = await freePeople(db, tenantId);
  const { proposals, conflicts } = proposeMatches(free.employees, free.users);
  const employee = new Map(
    free.employees.map((e) => [e.id, { id: e.id, extension: e.extension, name: e.name }]),
  );
  const user = new Map(free.users.map((u) => [u.amoUserId, { amoUserId: u.amoUserId, name: u.name }]));
  return {
    proposals: proposals.map((p) => ({
      employee: employee.get(p.employeeId)!,
      user: user.get(p.amoUserId)!,
      reason: p.reason,
      confidence: p.confidence,
    })),
    conflicts: conflicts.map((c) => ({
      reason: c.reason,
      employees: c.employeeIds.map((id) => employee.get(id)!),
      users: c.amoUserIds.map((id) => user.get(id)!),
    })),
  };
}

/**
 * The MANGO employee an amoCRM user is paired with, if that employee is still in the PBX: their extension
 * (calls, click-to-call) and mobile (SMS). Later features (SMS, rules) read the pairing through this.
 */
export async function mappedEmployeeOf(
  db: Db,
  { tenantId, amoUserId }: { tenantId: string; amoUserId: number },
) {
  const [row] = await db
    .select({
      mangoEmployeeId: mangoEmployees.id,
      name: mangoEmployees.name,
      extension: mangoEmployees.extension,
      mobile: mangoEmployees.mobile,
    })
    .from(employeeLinks)
    .innerJoin(
      mangoEmployees,
      and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, employeeLinks.mangoEmployeeId)),
    )
    .where(
      and(
        eq(employeeLinks.tenantId, tenantId),
        eq(employeeLinks.amoUserId, amoUserId),
        eq(mangoEmployees.isPresent, true),
      ),
    );
  return row ?? null;
}

/** amoCRM users paired with these extensions (employees still in the PBX), by extension. */
export async function usersOfExtensions(
  db: Db,
  { tenantId, extensions }: { tenantId: string; extensions: string[] },
): Promise<Map<string, number>> {
  if (extensions.length === 0) return new Map();
  const rows = await db
    .select({ extension: mangoEmployees.extension, amoUserId: employeeLinks.amoUserId })
    .from(employeeLinks)
    .innerJoin(
      mangoEmployees,
      and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, employeeLinks.mangoEmployeeId)),
    )
    .where(
      and(
        eq(employeeLinks.tenantId, tenantId),
        eq(mangoEmployees.isPresent, true),
        inArray(mangoEmployees.extension, extensions),
      ),
    );
  return new Map(rows.map((r) => [r.extension ?? "", r.amoUserId]));
}

export type ExtensionEmployee = {
  extension: string;
  mangoEmployeeId: string;
  employeeName: string;
  isPresent: boolean;
  /** The amoCRM user the employee is paired with; null when unpaired. */
  amoUserName: string | null;
};

/**
 * The MANGO employee of each of these extensions with the amoCRM user it is paired with, if any. An
 * extension a departed employee also had is the present employee's.
 */
export async function employeesOfExtensions(
  db: Db,
  { tenantId, extensions }: { tenantId: string; extensions: string[] },
): Promise<Map<string, ExtensionEmployee>> {
  const found = new Map<string, ExtensionEmployee>();
  if (extensions.length === 0) return found;
  const rows = await db
    .select({
      extension: mangoEmployees.extension,
      mangoEmployeeId: mangoEmployees.id,
      employeeName: mangoEmployees.name,
      isPresent: mangoEmployees.isPresent,
      amoUserName: amocrmUsers.name,
    })
    .from(mangoEmployees)
    .leftJoin(
      employeeLinks,
      and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.mangoEmployeeId, mangoEmployees.id)),
    )
    .leftJoin(
      amocrmUsers,
      and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, employeeLinks.amoUserId)),
    )
    .where(and(eq(mangoEmployees.tenantId, tenantId), inArray(mangoEmployees.extension, extensions)))
    .orderBy(desc(mangoEmployees.isPresent));
  for (const r of rows)
    if (r.extension && !found.has(r.extension)) found.set(r.extension, { ...r, extension: r.extension });
  return found;
}

/** A user with a mapped extension has MANGO's "extended integration" (calls from the card, SMS, rules). */
export async function hasExtendedIntegration(
  db: Db,
  { tenantId, amoUserId }: { tenantId: string; amoUserId: number },
): Promise<boolean> {
  const mapped = await mappedEmployeeOf(db, { tenantId, amoUserId });
  return Boolean(mapped?.extension);
}
