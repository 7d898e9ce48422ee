import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, employeeLinks, mangoEmployees, mangoGroups } from "@/db/schema";
import { mangoLineOptions } from "@/server/settings/options";

/**
 * What «Совершать автоперезвон» chooses from in the rule editor: employees (only amoCRM users paired with a
 * MANGO extension still in the PBX — MANGO rings an extension), MANGO groups by name (the cached directory)
 * and the account's lines, read live from MANGO like the settings' lines (not cached there either). When
 * MANGO does not answer, the editor still opens and says why the lines are missing.
 */
export async function callbackOptions(db: Db, { tenantId }: { tenantId: string }) {
  const [employees, groups, lines] = await Promise.all([
    db
      .select({
        amoUserId: amocrmUsers.amoUserId,
        name: amocrmUsers.name,
        extension: mangoEmployees.extension,
      })
      .from(amocrmUsers)
      .innerJoin(
        employeeLinks,
        and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.amoUserId, amocrmUsers.amoUserId)),
      )
      .innerJoin(
        mangoEmployees,
        and(
          eq(mangoEmployees.tenantId, tenantId),
          eq(mangoEmployees.id, employeeLinks.mangoEmployeeId),
          eq(mangoEmployees.isPresent, true),
          isNotNull(mangoEmployees.extension),
        ),
      )
      .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.isActive, true)))
      .orderBy(asc(amocrmUsers.name)),
    db
      .select({ groupId: mangoGroups.groupId, name: mangoGroups.name, extension: mangoGroups.extension })
      .from(mangoGroups)
      .where(eq(mangoGroups.tenantId, tenantId))
      .orderBy(asc(mangoGroups.name)),
    mangoLineOptions(db, { tenantId }),
  ]);
  return {
    employees: employees.map((e) => ({ amoUserId: e.amoUserId, name: e.name, extension: e.extension! })),
    groups,
    lines: lines.lines,
    linesProblem: lines.available
      ? null
      : lines.reason === "not_connected"
        ? "АТС MANGO OFFICE не подключена: линии появятся после подключения на странице «Обзор»."
        : "MANGO OFFICE не ответила: список линий сейчас недоступен. Звонок пойдёт с линии сотрудника по умолчанию; попробуйте открыть правило позже.",
  };
}
