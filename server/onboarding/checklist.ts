import { and, count, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  amocrmAccountState,
  employeeLinks,
  mangoConnections,
  mangoEmployees,
  type Tenant,
  tenantSecrets,
} from "@/db/schema";

export type ChecklistItem = {
  key: "amocrm" | "mango" | "events" | "employees" | "widget" | "ccFields";
  done: boolean;
  /** Numbers or dates the UI words itself (kept language-neutral here). */
  detail: Record<string, string | number | null>;
  /** Where the owner fixes it. */
  href: string;
};

/** The "Обзор" checklist: what is connected and what is left, each with where to fix it. */
export async function onboardingChecklist(
  db: Db,
  tenant: Pick<Tenant, "id" | "status">,
): Promise<ChecklistItem[]> {
  const tenantId = tenant.id;
  const [tokens] = await db
    .select({ n: count() })
    .from(tenantSecrets)
    .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.kind, "amocrm.tokens")));
  const [mango] = await db.select().from(mangoConnections).where(eq(mangoConnections.tenantId, tenantId));
  const [state] = await db.select().from(amocrmAccountState).where(eq(amocrmAccountState.tenantId, tenantId));
  const [employees] = await db
    .select({ n: count() })
    .from(mangoEmployees)
    .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.isPresent, true)));
  const [linked] = await db
    .select({ n: count() })
    .from(employeeLinks)
    .innerJoin(mangoEmployees, eq(mangoEmployees.id, employeeLinks.mangoEmployeeId))
    .where(and(eq(employeeLinks.tenantId, tenantId), eq(mangoEmployees.isPresent, true)));
  const total = Number(employees?.n ?? 0);
  const mapped = Number(linked?.n ?? 0);
  return [
    {
      key: "amocrm",
      done: tenant.status === "active" && Number(tokens?.n ?? 0) > 0,
      detail: { status: tenant.status },
      href: "/login",
    },
    {
      key: "mango",
      done: mango?.status === "connected",
      detail: { keyHint: mango?.keyHint ?? null },
      href: "/overview#mango",
    },
    {
      key: "events",
      done: Boolean(mango?.firstEventAt),
      detail: { lastEventAt: mango?.lastEventAt?.toISOString() ?? null },
      href: "/overview#mango",
    },
    { key: "employees", done: total > 0 && mapped === total, detail: { mapped, total }, href: "/employees" },
    {
      key: "widget",
      done: Boolean(state?.widgetInstalledAt),
      detail: { installedAt: state?.widgetInstalledAt?.toISOString() ?? null },
      href: "/overview#widget",
    },
    {
      key: "ccFields",
      done: Boolean(state?.ccFieldsEnsuredAt),
      detail: { ensuredAt: state?.ccFieldsEnsuredAt?.toISOString() ?? null },
      href: "/overview#cc-fields",
    },
  ];
}
