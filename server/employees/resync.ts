import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, employeeLinks, mangoEmployees } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import {
  type EmployeeSyncReport,
  refreshMangoGroups,
  syncMangoEmployees,
} from "@/server/directory/mango-sync";
import type { MangoEmployee, MangoGroup } from "@/server/mango/domain";

type Side<T> = ({ ok: true } & T) | { ok: false; error: string };

export type UsersSyncReport = { added: string[]; changed: string[]; deactivated: string[]; total: number };

export type ResyncReport = {
  mango: Side<EmployeeSyncReport>;
  amocrm: Side<UsersSyncReport>;
  /** Pairs are never dropped by a re-sync; these are kept but point at someone who is gone. */
  links: {
    kept: number;
    stale: Array<{ employeeName: string; userName: string; why: "employeeGone" | "userInactive" }>;
  };
};

/** A failure as the person should read it: our own errors carry Russian text, MANGO's a `humanMessage`. */
export function describeFailure(err: unknown): string {
  if (err && typeof err === "object" && "humanMessage" in err && typeof err.humanMessage === "string")
    return err.humanMessage;
  if (err instanceof Error && /[а-яё]/i.test(err.message)) return err.message;
  return "Сервис не ответил. Попробуйте позже.";
}

async function side<T>(work: () => Promise<T>): Promise<Side<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (err) {
    return { ok: false, error: describeFailure(err) };
  }
}

async function amocrmSide(db: Db, tenantId: string, client: () => Promise<AmocrmClient>) {
  const snapshot = () => db.select().from(amocrmUsers).where(eq(amocrmUsers.tenantId, tenantId));
  const before = new Map((await snapshot()).map((u) => [u.amoUserId, u]));
  const { users } = await syncAmocrmDirectory(db, { tenantId, client: await client() });
  const report: UsersSyncReport = { added: [], changed: [], deactivated: [], total: users };
  for (const u of await snapshot()) {
    const was = before.get(u.amoUserId);
    if (!was) report.added.push(u.name);
    else if (was.isActive && !u.isActive) report.deactivated.push(u.name);
    else if (was.name !== u.name || was.email !== u.email || was.isActive !== u.isActive)
      report.changed.push(u.name);
  }
  return report;
}

/**
 * "Обновить": reads both directories again (each side on its own, so one unreachable service still lets
 * the other refresh), keeps every existing pair, and says what changed.
 */
export async function resyncDirectory(
  db: Db,
  {
    tenantId,
    mangoEmployees: loadEmployees,
    mangoGroups: loadGroups,
    amocrm,
  }: {
    tenantId: string;
    mangoEmployees: () => Promise<MangoEmployee[]>;
    /** The PBX's groups, for their names; a failure keeps the names cached before. */
    mangoGroups?: () => Promise<MangoGroup[]>;
    amocrm: () => Promise<AmocrmClient>;
  },
): Promise<ResyncReport> {
  const [mango, amo] = await Promise.all([
    side(async () => {
      const report = await syncMangoEmployees(db, { tenantId, employees: await loadEmployees() });
      if (loadGroups) await refreshMangoGroups(db, tenantId, loadGroups);
      return report;
    }),
    side(() => amocrmSide(db, tenantId, amocrm)),
  ]);
  return { mango, amocrm: amo, links: await linkHealth(db, tenantId) };
}

async function linkHealth(db: Db, tenantId: string): Promise<ResyncReport["links"]> {
  const rows = await db
    .select({
      employeeName: mangoEmployees.name,
      isPresent: mangoEmployees.isPresent,
      userName: amocrmUsers.name,
      isActive: amocrmUsers.isActive,
    })
    .from(employeeLinks)
    .innerJoin(
      mangoEmployees,
      and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, employeeLinks.mangoEmployeeId)),
    )
    .leftJoin(
      amocrmUsers,
      and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, employeeLinks.amoUserId)),
    )
    .where(eq(employeeLinks.tenantId, tenantId));
  const stale: ResyncReport["links"]["stale"] = [];
  for (const r of rows) {
    const userName = r.userName ?? "—";
    if (!r.isPresent) stale.push({ employeeName: r.employeeName, userName, why: "employeeGone" });
    else if (!r.isActive) stale.push({ employeeName: r.employeeName, userName, why: "userInactive" });
  }
  return { kept: rows.length, stale };
}
