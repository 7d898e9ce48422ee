import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, employeeLinks, mangoEmployees } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { EXTENDED_REQUIRED_MESSAGE } from "@/server/trpc/procedures/rules-save";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { CLIENT_SMS, NEGOTIATION } from "./rules.test-support";

/** rules.list / save / delete through tRPC; acceptance 5: no mapped extension → FORBIDDEN, said in Russian. */
let t: TestDb;
let tenantId: string;
let mapped: SessionIdentity;
let unmapped: SessionIdentity;

const caller = (session: SessionIdentity) =>
  createCaller({ db: t.db, queue: createLocalQueue(t.db), session, requestId: "test" });

const draft = {
  ...NEGOTIATION,
  name: "VIP",
  trigger: "entered_stage" as const,
  conditions: {
    mode: "all" as const,
    items: [{ kind: "tag" as const, op: "equals" as const, value: "vip" }],
  },
  actions: [{ ...CLIENT_SMS, recipients: ["client" as const] }],
};

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 4242,
    amocrmSubdomain: "rules",
    amocrmBaseUrl: "http://rules",
    name: "Правила",
  });
  tenantId = tenant.id;
  const admin = await upsertUser(t.db, { amocrmUserId: 501, name: "Лопаткин Василий" });
  const other = await upsertUser(t.db, { amocrmUserId: 502, name: "Без номера" });
  await addMembership(t.db, { tenantId, userId: admin.id, role: "owner" });
  await addMembership(t.db, { tenantId, userId: other.id, role: "admin" });
  const [e] = await t.db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:100", extension: "100", name: "Лопаткин Василий" })
    .returning();
  await t.db
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId: e!.id, amoUserId: 501, source: "manual" });
  mapped = { userId: admin.id, tenantId };
  unmapped = { userId: other.id, tenantId };
});
afterAll(() => t.drop());

async function errorOf(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("rules.save", () => {
  it("refuses an SMS rule to a user without a mapped extension (FORBIDDEN, Russian reason)", async () => {
    const err = await errorOf(caller(unmapped).rules.save({ rule: draft }));
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toBe(EXTENDED_REQUIRED_MESSAGE);
    expect(err.message).toContain("внутренним номером");
    expect((await caller(mapped).rules.list({})).rules).toHaveLength(0);
  });

  it("saves, lists by stage, updates and deletes, each with an audit row", async () => {
    const { rule } = await caller(mapped).rules.save({ rule: draft });
    expect(rule).toMatchObject({ version: 1, authorAmoUserId: 501, name: "VIP" });
    const { rules } = await caller(mapped).rules.list(NEGOTIATION);
    expect(rules.map((r) => r.id)).toEqual([rule.id]);
    expect(
      (await caller(mapped).rules.list({ pipelineId: NEGOTIATION.pipelineId, statusId: 1 })).rules,
    ).toEqual([]);

    const updated = await caller(mapped).rules.save({ id: rule.id, rule: { ...draft, enabled: false } });
    expect(updated.rule).toMatchObject({ id: rule.id, enabled: false });
    // Updating someone's SMS rule needs the extension too.
    expect((await errorOf(caller(unmapped).rules.save({ id: rule.id, rule: draft }))).code).toBe("FORBIDDEN");

    await caller(mapped).rules.delete({ id: rule.id });
    expect((await caller(mapped).rules.list({})).rules).toEqual([]);
    const audit = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.target, `rule:${rule.id}`)))
      .orderBy(auditLog.createdAt);
    expect(audit.map((a) => a.action).sort()).toEqual(["rule.create", "rule.delete", "rule.update"]);
  });
});
