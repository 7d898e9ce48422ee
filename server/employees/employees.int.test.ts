import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, employeeLinks } from "@/db/schema";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { createLocalQueue } from "@/inngest/local/queue";
import { saveAmocrmTokens } from "@/server/connections/amocrm";
import { putSecret } from "@/server/secrets/store";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { createCaller } from "@/server/trpc/router";
import { connect, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { editAmocrmUsers, editMangoEmployees, seedEmployeeWorld, WORLD } from "@/test/employees-world";
import { hasExtendedIntegration, mappedEmployeeOf } from "./queries";

/**
 * Acceptance 3 of issue 5, through the tRPC procedures, against both emulators: the tenant's amoCRM tokens
 * come from the emulator's OAuth, its MANGO key and salt are the demo ones.
 */
let t: TestDb;
let mango: MangoEmulator;
let amo: RunningAmocrmEmulator;
let tenantId: string;
let owner: SessionIdentity;

const caller = (session: SessionIdentity = owner) =>
  createCaller({ db: t.db, queue: createLocalQueue(t.db), session, requestId: "test" });

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return { code: "OK", message: "" };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    return { code: err.code, message: err.message };
  }
}

beforeAll(async () => {
  [mango, amo] = await Promise.all([startMangoEmulator({ port: 0 }), startEmulator()]);
  // Read once by the app's env(); nothing has read it yet in this test file's module graph.
  process.env.MANGO_API_URL = `${mango.url}/vpbx`;
  t = await createTestDb();
  await seedEmployeeWorld(mango.url, amo.url);
  const { baseUrl, pair } = await connect(amo);
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 28805383,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: baseUrl,
    name: "Демо-компания",
  });
  tenantId = tenant.id;
  await saveAmocrmTokens(t.db, { tenantId, tokens: pair });
  await putSecret(t.db, { tenantId, kind: "mango.api_key", value: DEMO_VPBX_API_KEY });
  await putSecret(t.db, { tenantId, kind: "mango.api_salt", value: DEMO_VPBX_API_SALT });
  const user = await upsertUser(t.db, { amocrmUserId: 504141, name: "Анна Администратова" });
  await addMembership(t.db, { tenantId, userId: user.id, role: "owner" });
  owner = { userId: user.id, tenantId };
});

afterAll(async () => {
  await Promise.all([mango?.close(), amo?.close()]);
  await t?.drop();
});

const employeeIdOf = async (extension: string) =>
  (await caller().employees.list()).employees.find((e) => e.extension === extension)!.id;

describe("employees against the MANGO and amoCRM emulators", () => {
  it("re-sync reads both directories and reports what was added", async () => {
    const report = await caller().employees.resync();
    expect(report.mango).toMatchObject({ ok: true, total: 5, removed: [], changed: [] });
    expect(report.mango.ok && report.mango.added).toHaveLength(5);
    expect(report.amocrm).toMatchObject({ ok: true, total: 6, deactivated: [] });
    expect(report.links).toEqual({ kept: 0, stale: [] });

    const list = await caller().employees.list();
    expect(list.employees.map((e) => e.extension)).toEqual(["101", "102", "103", "104", "105"]);
    const ivanov = list.employees.find((e) => e.extension === "101")!;
    expect(ivanov).toMatchObject({ email: "ivanov@amango-demo.ru", mobile: "+79161110101", link: null });
    // Groups by their MANGO names (MANGO `groups`, cached with the employees), not ids.
    expect(ivanov.groups.map((g) => g.name)).toEqual(["Отдел продаж"]);
    // 103 has no mobile: the page flags them ("не получит SMS").
    expect(list.employees.find((e) => e.extension === "103")!.mobile).toBeNull();
    expect(list.users).toHaveLength(6);
  });

  it("auto-matching proposes by e-mail and by name (ё/е, swapped order) and shows the conflict", async () => {
    const { proposals, conflicts } = await caller().employees.proposals();
    const summary = proposals.map((p) => [p.employee.extension, p.user.amoUserId, p.reason]);
    expect(summary).toEqual([
      [WORLD.byEmail.extension, WORLD.byEmail.amoUserId, "email"],
      [WORLD.byName.extension, WORLD.byName.amoUserId, "name"],
      [WORLD.byNameYo.extension, WORLD.byNameYo.amoUserId, "name"],
    ]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.reason).toBe("name");
    expect(conflicts[0]!.employees.map((e) => e.extension)).toEqual([WORLD.conflict.extension]);
    expect(conflicts[0]!.users.map((u) => u.amoUserId).sort()).toEqual([...WORLD.conflict.amoUserIds].sort());
  });

  it("applying the proposals pairs them with their reason; the conflict stays unpaired", async () => {
    const { linked } = await caller().employees.applyProposals({});
    expect(linked.map((l) => l.reason)).toEqual(["email", "name", "name"]);
    const list = await caller().employees.list();
    const link = (ext: string) => list.employees.find((e) => e.extension === ext)!.link;
    expect(link(WORLD.byEmail.extension)).toMatchObject({
      amoUserId: WORLD.byEmail.amoUserId,
      source: "email",
    });
    expect(link(WORLD.byNameYo.extension)).toMatchObject({
      amoUserId: WORLD.byNameYo.amoUserId,
      source: "name",
    });
    expect(link(WORLD.conflict.extension)).toBeNull();
    const after = await caller().employees.proposals();
    expect(after.proposals).toEqual([]);
    expect(after.conflicts).toHaveLength(1);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "employee.link")));
    expect(audit).toHaveLength(3);
  });

  it("a manual pair persists; the employee's extension gives the user the extended integration", async () => {
    const id = await employeeIdOf(WORLD.manual.extension);
    expect(await caller().employees.link({ mangoEmployeeId: id, amoUserId: WORLD.manual.amoUserId })).toEqual(
      {
        created: true,
      },
    );
    // "Reload": a fresh caller reads the pair back from the database.
    const again = await caller().employees.list();
    expect(again.employees.find((e) => e.id === id)!.link).toMatchObject({
      amoUserId: WORLD.manual.amoUserId,
      userName: "Анна Администратова",
      source: "manual",
    });
    expect(await hasExtendedIntegration(t.db, { tenantId, amoUserId: WORLD.manual.amoUserId })).toBe(true);
    expect(await mappedEmployeeOf(t.db, { tenantId, amoUserId: WORLD.manual.amoUserId })).toMatchObject({
      extension: "104",
      mobile: "+79161110104",
    });
    expect(await hasExtendedIntegration(t.db, { tenantId, amoUserId: 47272 })).toBe(false);
    expect(await mappedEmployeeOf(t.db, { tenantId, amoUserId: 47272 })).toBeNull();
  });

  it("mapping one MANGO employee to a second user is refused, and one user to a second employee", async () => {
    const manual = await employeeIdOf(WORLD.manual.extension);
    const second = await codeOf(caller().employees.link({ mangoEmployeeId: manual, amoUserId: 47272 }));
    expect(second.code).toBe("CONFLICT");
    expect(second.message).toBe(
      "Сотрудник «Кузнецова Мария Игоревна» уже связан с пользователем «Анна Администратова». Сначала отвяжите его.",
    );
    const conflictEmployee = await employeeIdOf(WORLD.conflict.extension);
    const taken = await codeOf(
      caller().employees.link({ mangoEmployeeId: conflictEmployee, amoUserId: WORLD.manual.amoUserId }),
    );
    expect(taken).toEqual({
      code: "CONFLICT",
      message:
        "Пользователь amoCRM «Анна Администратова» уже связан с сотрудником «Кузнецова Мария Игоревна (доб. 104)». Сначала отвяжите его.",
    });
    const rows = await t.db.select().from(employeeLinks).where(eq(employeeLinks.mangoEmployeeId, manual));
    expect(rows.map((r) => r.amoUserId)).toEqual([WORLD.manual.amoUserId]);
  });

  it("two admins pairing the same employee at once: one wins, the other gets a clear conflict", async () => {
    const id = await employeeIdOf(WORLD.conflict.extension);
    const results = await Promise.all(
      WORLD.conflict.amoUserIds.map((amoUserId) =>
        codeOf(caller().employees.link({ mangoEmployeeId: id, amoUserId })),
      ),
    );
    expect(results.map((r) => r.code).sort()).toEqual(["CONFLICT", "OK"]);
    expect(results.find((r) => r.code === "CONFLICT")!.message).toMatch(/связан/);
    expect(await caller().employees.unlink({ mangoEmployeeId: id })).toEqual({ removed: true });
    expect(await caller().employees.unlink({ mangoEmployeeId: id })).toEqual({ removed: false });
    const unlinkAudit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "employee.unlink")));
    expect(unlinkAudit).toHaveLength(1);
  });

  it("re-sync keeps the pairs and reports who left MANGO and who is no longer active in amoCRM", async () => {
    await editMangoEmployees(mango.url, [{ extension: "101", email: "i.ivanov@amango-demo.ru" }], {
      remove: [WORLD.byName.extension],
    });
    await editAmocrmUsers(amo.url, [{ id: WORLD.byNameYo.amoUserId, is_active: false }]);
    // Seeding the amoCRM emulator reset its request log, not its tokens: the stored pair still works.
    const report = await caller().employees.resync();
    expect(report.mango).toMatchObject({
      ok: true,
      added: [],
      removed: ["Петрова Анна Сергеевна"],
      changed: ["Иванов Иван Петрович"],
    });
    expect(report.amocrm).toMatchObject({ ok: true, deactivated: ["Олег  Семин"] });
    expect(report.links.kept).toBe(4);
    expect(report.links.stale).toEqual(
      expect.arrayContaining([
        { employeeName: "Петрова Анна Сергеевна", userName: "Анна Петрова", why: "employeeGone" },
        { employeeName: "Сёмин Олег Викторович", userName: "Олег  Семин", why: "userInactive" },
      ]),
    );
    const rows = await t.db.select().from(employeeLinks).where(eq(employeeLinks.tenantId, tenantId));
    expect(rows).toHaveLength(4);
    // An employee gone from the PBX no longer gives their user an extension.
    expect(await hasExtendedIntegration(t.db, { tenantId, amoUserId: WORLD.byName.amoUserId })).toBe(false);
  });
});

describe("re-sync with one side not connected", () => {
  it("reports MANGO as not connected in Russian and still refreshes amoCRM", async () => {
    const { baseUrl, pair } = await connect(amo);
    const other = await createTenant(t.db, {
      amocrmAccountId: 28805384,
      amocrmSubdomain: "demo2",
      amocrmBaseUrl: baseUrl,
      name: "Без MANGO",
    });
    await saveAmocrmTokens(t.db, { tenantId: other.id, tokens: pair });
    const admin = await upsertUser(t.db, { amocrmUserId: 8238874, name: "Алексей Смирнов" });
    await addMembership(t.db, { tenantId: other.id, userId: admin.id, role: "admin" });
    const report = await caller({ userId: admin.id, tenantId: other.id }).employees.resync();
    expect(report.mango).toEqual({ ok: false, error: "MANGO OFFICE не подключена" });
    expect(report.amocrm).toMatchObject({ ok: true, total: 6 });
    // The other tenant's directory holds its own users and nothing of the first tenant's employees.
    const list = await caller({ userId: admin.id, tenantId: other.id }).employees.list();
    expect(list.employees).toEqual([]);
    expect(list.users).toHaveLength(6);
  });
});
