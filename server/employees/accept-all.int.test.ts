// «Принять все предложения» through tRPC on cached directories (no emulators): name-similarity proposals carry
// their confidence, accepting all is one mutation that pairs every proposal with its audit row, conflicts
// (one user for two extensions) are left alone, and nothing crosses tenants. Group names come from the cache.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, auditLog, employeeLinks, mangoEmployees, mangoGroups } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { syncMangoGroups } from "@/server/directory/mango-sync";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { NAME_INITIAL_SCORE } from "./similarity";

let t: TestDb;
const tenant = { a: "", b: "" };
const owner: Record<"a" | "b", SessionIdentity> = {
  a: { userId: "", tenantId: "" },
  b: { userId: "", tenantId: "" },
};
let memberOfA: SessionIdentity;

const caller = (session: SessionIdentity) =>
  createCaller({ db: t.db, queue: createLocalQueue(t.db), session, requestId: "test" });

async function seedTenant(key: "a" | "b", accountId: number) {
  const row = await createTenant(t.db, {
    amocrmAccountId: accountId,
    amocrmSubdomain: `acc${accountId}`,
    amocrmBaseUrl: `https://acc${accountId}.amocrm.ru`,
    name: `Компания ${key}`,
  });
  tenant[key] = row.id;
  const user = await upsertUser(t.db, { amocrmUserId: accountId + 1, name: `Владелец ${key}` });
  await addMembership(t.db, { tenantId: row.id, userId: user.id, role: "owner" });
  owner[key] = { userId: user.id, tenantId: row.id };
  // E-mails differ everywhere: only names can propose.
  await t.db.insert(mangoEmployees).values([
    {
      tenantId: row.id,
      mangoKey: "user:1",
      extension: "101",
      name: "Лопаткин Василий",
      email: "v@pbx.ru",
      groups: [900],
    },
    {
      tenantId: row.id,
      mangoKey: "user:2",
      extension: "102",
      name: "Смирнов А.",
      email: "s@pbx.ru",
      groups: [900, 901],
    },
    // One amoCRM user «Ольга Кузнецова» fits both 103 and 104: a conflict, never accepted by "all".
    { tenantId: row.id, mangoKey: "user:3", extension: "103", name: "Кузнецова Ольга", email: "o1@pbx.ru" },
    {
      tenantId: row.id,
      mangoKey: "user:4",
      extension: "104",
      name: "Кузнецова Ольга Ивановна",
      email: "o2@pbx.ru",
    },
  ]);
  await t.db.insert(amocrmUsers).values([
    { tenantId: row.id, amoUserId: 11, name: "Василий Лопаткин", email: "lopatkin@crm.ru" },
    { tenantId: row.id, amoUserId: 12, name: "Алексей Смирнов", email: "smirnov@crm.ru" },
    { tenantId: row.id, amoUserId: 13, name: "Ольга Кузнецова", email: "kuz@crm.ru" },
  ]);
}

beforeAll(async () => {
  t = await createTestDb();
  await seedTenant("a", 70_000_001);
  await seedTenant("b", 70_000_002);
  const member = await upsertUser(t.db, { amocrmUserId: 70_000_099, name: "Участник" });
  await addMembership(t.db, { tenantId: tenant.a, userId: member.id, role: "member" });
  memberOfA = { userId: member.id, tenantId: tenant.a };
  await syncMangoGroups(t.db, {
    tenantId: tenant.a,
    groups: [
      { id: 900, name: "Отдел продаж", extension: "201", description: null, lineId: null, operators: [] },
      { id: 901, name: "Поддержка", extension: "202", description: null, lineId: null, operators: [] },
    ],
  });
});
afterAll(() => t?.drop());

const linksOf = (tenantId: string) =>
  t.db.select().from(employeeLinks).where(eq(employeeLinks.tenantId, tenantId));

describe("employees: proposals by name similarity and «Принять все предложения»", () => {
  it("shows MANGO group names from the cache, ids only where the cache has none", async () => {
    const a = await caller(owner.a).employees.list();
    const groupsOf = (list: typeof a, ext: string) => list.employees.find((e) => e.extension === ext)!.groups;
    expect(groupsOf(a, "102")).toEqual([
      { id: 900, name: "Отдел продаж" },
      { id: 901, name: "Поддержка" },
    ]);
    // Tenant b has no cached groups: its employees' groups are not named with a's.
    const b = await caller(owner.b).employees.list();
    expect(groupsOf(b, "101")).toEqual([{ id: 900, name: null }]);
    // A re-sync that no longer lists a group drops its name.
    await syncMangoGroups(t.db, {
      tenantId: tenant.a,
      groups: [
        { id: 900, name: "Продажи", extension: "201", description: null, lineId: null, operators: [] },
      ],
    });
    const again = await caller(owner.a).employees.list();
    expect(groupsOf(again, "102")).toEqual([
      { id: 900, name: "Продажи" },
      { id: 901, name: null },
    ]);
    expect(await t.db.select().from(mangoGroups).where(eq(mangoGroups.tenantId, tenant.b))).toEqual([]);
  });

  it("proposes by similar names with a confidence, and explains the conflict", async () => {
    const { proposals, conflicts } = await caller(owner.a).employees.proposals();
    expect(proposals.map((p) => [p.employee.extension, p.user.amoUserId, p.reason, p.confidence])).toEqual([
      ["101", 11, "name", 1],
      ["102", 12, "name", NAME_INITIAL_SCORE],
    ]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.employees.map((e) => e.extension)).toEqual(["103", "104"]);
    expect(conflicts[0]!.users.map((u) => u.amoUserId)).toEqual([13]);
    // Proposing pairs nothing.
    expect(await linksOf(tenant.a)).toEqual([]);
  });

  it("members may not accept proposals", async () => {
    await expect(caller(memberOfA).employees.applyProposals({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await linksOf(tenant.a)).toEqual([]);
  });

  it("another tenant's employee ids accept nothing, in either tenant", async () => {
    const bEmployees = await t.db.select().from(mangoEmployees).where(eq(mangoEmployees.tenantId, tenant.b));
    const { linked } = await caller(owner.a).employees.applyProposals({
      employeeIds: bEmployees.map((e) => e.id),
    });
    expect(linked).toEqual([]);
    expect(await linksOf(tenant.a)).toEqual([]);
    expect(await linksOf(tenant.b)).toEqual([]);
  });

  it("accepts all proposals in one mutation with one audit row each; the conflict stays; b is untouched", async () => {
    const { linked } = await caller(owner.a).employees.applyProposals({});
    expect(linked.map((l) => [l.amoUserId, l.reason])).toEqual([
      [11, "name"],
      [12, "name"],
    ]);
    const links = await linksOf(tenant.a);
    expect(links.map((l) => l.amoUserId).sort()).toEqual([11, 12]);
    expect(links.every((l) => l.source === "name" && l.createdBy === owner.a.userId)).toBe(true);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.a), eq(auditLog.action, "employee.link")));
    expect(audit.map((r) => r.target).sort()).toEqual(links.map((l) => l.mangoEmployeeId).sort());
    expect(audit.every((r) => r.actorUserId === owner.a.userId)).toBe(true);

    const after = await caller(owner.a).employees.proposals();
    expect(after.proposals).toEqual([]);
    expect(after.conflicts).toHaveLength(1);
    expect(await linksOf(tenant.b)).toEqual([]);
    const bProposals = await caller(owner.b).employees.proposals();
    expect(bProposals.proposals).toHaveLength(2);
  });

  it("refuses out-of-bounds input with its limit, in Russian", async () => {
    const many = Array.from({ length: 2001 }, () => crypto.randomUUID());
    await expect(caller(owner.a).employees.applyProposals({ employeeIds: many })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("не больше 2000 предложений"),
    });
    const anyId = (await linksOf(tenant.a))[0]?.mangoEmployeeId ?? crypto.randomUUID();
    await expect(
      caller(owner.a).employees.link({ mangoEmployeeId: anyId, amoUserId: -1 }),
    ).rejects.toMatchObject({ message: expect.stringContaining("не может быть отрицательным") });
  });

  it("a second «accept all» finds nothing left to pair", async () => {
    const { linked } = await caller(owner.a).employees.applyProposals({});
    expect(linked).toEqual([]);
    expect(await linksOf(tenant.a)).toHaveLength(2);
  });
});
