import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, auditLog, employeeLinks, mangoEmployees } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { currentProposals, type LinkSource } from "./queries";
import { relogCallsOfLink } from "./relog";

/** A pairing refused for a reason the person can act on; the message is shown as it is (Russian). */
export class EmployeeLinkError extends Error {
  override name = "EmployeeLinkError";
  constructor(
    readonly kind: "not_found" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

type Actor = { tenantId: string; actorUserId: string | null };

/** PostgreSQL's unique_violation, however deep the driver and Drizzle wrapped it. */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/** Runs a write; a race lost on the unique indexes becomes the same clear conflict as the checks give. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new EmployeeLinkError(
        "conflict",
        "Сотрудник или пользователь amoCRM только что связан с кем-то другим. Обновите страницу.",
      );
    throw err;
  }
}

/**
 * Pairs an employee with a user by hand; the calls skipped as nobody's that the extension took part in are
 * then logged again (relog.ts; `queue` null: a script that wants no jobs). MANGO's rules hold: an employee already paired with someone else,
 * or a user already paired with another employee, is refused (unpair first). Pairing the same two again
 * changes nothing.
 */
export async function linkEmployee(
  db: Db,
  {
    tenantId,
    actorUserId,
    mangoEmployeeId,
    amoUserId,
    queue,
  }: Actor & { mangoEmployeeId: string; amoUserId: number; queue: JobQueue | null },
) {
  const outcome = await guarded(() =>
    db.transaction(async (tx) => {
      const [employee] = await tx
        .select()
        .from(mangoEmployees)
        .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, mangoEmployeeId)));
      if (!employee) throw new EmployeeLinkError("not_found", "Сотрудник MANGO OFFICE не найден");
      const [user] = await tx
        .select()
        .from(amocrmUsers)
        .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, amoUserId)));
      if (!user) throw new EmployeeLinkError("not_found", "Пользователь amoCRM не найден");

      const links = await tx.select().from(employeeLinks).where(eq(employeeLinks.tenantId, tenantId));
      const ofEmployee = links.find((l) => l.mangoEmployeeId === employee.id);
      if (ofEmployee?.amoUserId === amoUserId) return { created: false, linkId: null };
      if (ofEmployee) {
        const [other] = await tx
          .select({ name: amocrmUsers.name })
          .from(amocrmUsers)
          .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, ofEmployee.amoUserId)));
        throw new EmployeeLinkError(
          "conflict",
          `Сотрудник «${employee.name}» уже связан с пользователем «${other?.name ?? ofEmployee.amoUserId}». Сначала отвяжите его.`,
        );
      }
      const ofUser = links.find((l) => l.amoUserId === amoUserId);
      if (ofUser) {
        const [other] = await tx
          .select({ name: mangoEmployees.name, extension: mangoEmployees.extension })
          .from(mangoEmployees)
          .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, ofUser.mangoEmployeeId)));
        const who = other ? `${other.name}${other.extension ? ` (доб. ${other.extension})` : ""}` : "—";
        throw new EmployeeLinkError(
          "conflict",
          `Пользователь amoCRM «${user.name}» уже связан с сотрудником «${who}». Сначала отвяжите его.`,
        );
      }
      if (!employee.isPresent)
        throw new EmployeeLinkError("invalid", `Сотрудника «${employee.name}» больше нет в АТС`);
      if (!user.isActive)
        throw new EmployeeLinkError("invalid", `Пользователь amoCRM «${user.name}» отключён`);

      const linkId = await insertLink(
        tx as unknown as Db,
        { tenantId, actorUserId },
        employee.id,
        amoUserId,
        "manual",
      );
      return { created: true, linkId };
    }),
  );
  // After the commit: the runs read the pair it wrote.
  if (outcome.linkId && queue) await relogCallsOfLink(db, queue, { tenantId, linkId: outcome.linkId });
  return { created: outcome.created };
}

async function insertLink(
  tx: Db,
  { tenantId, actorUserId }: Actor,
  mangoEmployeeId: string,
  amoUserId: number,
  source: LinkSource,
) {
  const [link] = await tx
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId, amoUserId, source, createdBy: actorUserId })
    .returning({ id: employeeLinks.id });
  await tx.insert(auditLog).values({
    tenantId,
    actorUserId,
    action: "employee.link",
    target: mangoEmployeeId,
    before: null,
    after: { amoUserId, source },
  });
  return link!.id;
}

/** Unpairs an employee; unpairing one that has no pair is not an error (a second click, another tab). */
export async function unlinkEmployee(
  db: Db,
  { tenantId, actorUserId, mangoEmployeeId }: Actor & { mangoEmployeeId: string },
) {
  return db.transaction(async (tx) => {
    const [employee] = await tx
      .select({ id: mangoEmployees.id })
      .from(mangoEmployees)
      .where(and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, mangoEmployeeId)));
    if (!employee) throw new EmployeeLinkError("not_found", "Сотрудник MANGO OFFICE не найден");
    const [removed] = await tx
      .delete(employeeLinks)
      .where(and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.mangoEmployeeId, mangoEmployeeId)))
      .returning();
    if (!removed) return { removed: false };
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId,
      action: "employee.unlink",
      target: mangoEmployeeId,
      before: { amoUserId: removed.amoUserId, source: removed.source },
      after: null,
    });
    return { removed: true };
  });
}

/**
 * Accepts the automatic proposals — all of them, or those of the given employees (accept per row). They are
 * computed again here, inside the transaction, so only what the matching still proposes is paired.
 */
export async function applyProposals(
  db: Db,
  { tenantId, actorUserId, employeeIds, queue }: Actor & { employeeIds?: string[]; queue: JobQueue | null },
) {
  const applied = await guarded(() =>
    db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const { proposals } = await currentProposals(t, { tenantId });
      const wanted = employeeIds ? new Set(employeeIds) : null;
      const chosen = proposals.filter((p) => !wanted || wanted.has(p.employee.id));
      const linkIds: string[] = [];
      for (const p of chosen)
        linkIds.push(
          await insertLink(t, { tenantId, actorUserId }, p.employee.id, p.user.amoUserId, p.reason),
        );
      return {
        linkIds,
        linked: chosen.map((p) => ({
          mangoEmployeeId: p.employee.id,
          employeeName: p.employee.name,
          amoUserId: p.user.amoUserId,
          userName: p.user.name,
          reason: p.reason,
        })),
      };
    }),
  );
  if (queue) for (const linkId of applied.linkIds) await relogCallsOfLink(db, queue, { tenantId, linkId });
  return { linked: applied.linked };
}
