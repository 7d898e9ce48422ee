import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, employeeLinks, mangoEmployees, ruleApplications } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { estimateSmsTemplate } from "@/lib/domain/sms/preview-estimate";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { EXTENDED_REQUIRED_MESSAGE } from "@/server/trpc/procedures/rules-save";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { CLIENT_SMS, NEGOTIATION } from "@/test/rules-fixtures";

/** rules.list / save / delete through tRPC; acceptance 5: no mapped extension → FORBIDDEN, said in Russian. */
let t: TestDb;
let tenantId: string;
let mapped: SessionIdentity;
let unmapped: SessionIdentity;
let memberMapped: SessionIdentity;
let memberUnmapped: SessionIdentity;

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
  const withExt = await upsertUser(t.db, { amocrmUserId: 503, name: "Сотрудник с номером" });
  const withoutExt = await upsertUser(t.db, { amocrmUserId: 504, name: "Сотрудник без номера" });
  await addMembership(t.db, { tenantId, userId: withExt.id, role: "member" });
  await addMembership(t.db, { tenantId, userId: withoutExt.id, role: "member" });
  for (const [extension, amoUserId] of [
    ["100", 501],
    ["103", 503],
  ] as const) {
    const [e] = await t.db
      .insert(mangoEmployees)
      .values({ tenantId, mangoKey: `user:${extension}`, extension, name: `Сотрудник ${extension}` })
      .returning();
    await t.db
      .insert(employeeLinks)
      .values({ tenantId, mangoEmployeeId: e!.id, amoUserId, source: "manual" });
  }
  mapped = { userId: admin.id, tenantId };
  unmapped = { userId: other.id, tenantId };
  memberMapped = { userId: withExt.id, tenantId };
  memberUnmapped = { userId: withoutExt.id, tenantId };
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

describe("rules.save with «Применить триггер к текущим сделкам в статусе»", () => {
  const applications = (ruleId: string) =>
    t.db.select().from(ruleApplications).where(eq(ruleApplications.ruleId, ruleId));

  it("starts one application; saving the rule again from the editor (box unchecked) starts none", async () => {
    const first = await caller(mapped).rules.save({ rule: { ...draft, applyToCurrentDeals: true } });
    expect(first.applicationId).toBeDefined();
    expect(await applications(first.rule.id)).toHaveLength(1);
    // The editor opens the rule with the box unchecked (components/rules/form-values.test.ts).
    const again = { ...draft, name: "VIP 3", applyToCurrentDeals: false };
    const second = await caller(mapped).rules.save({ id: first.rule.id, rule: again });
    expect(second.applicationId).toBeUndefined();
    expect(await applications(first.rule.id)).toHaveLength(1);
    await caller(mapped).rules.delete({ id: first.rule.id });
  });

  it("is refused for a trigger other than a stage entry (BAD_REQUEST, Russian reason)", async () => {
    const lost = { ...draft, trigger: "deal_lost" as const, applyToCurrentDeals: true };
    const err = await errorOf(caller(mapped).rules.save({ rule: lost }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("Применить триггер к текущим сделкам в статусе");
    expect((await caller(mapped).rules.list(NEGOTIATION)).rules.map((r) => r.trigger)).not.toContain(
      "deal_lost",
    );
  });
});

describe("who may change rules (admins, and members with a mapped extension)", () => {
  it("lets a member with a mapped extension save, update and delete an SMS rule", async () => {
    const { rule } = await caller(memberMapped).rules.save({ rule: draft });
    expect(rule.authorAmoUserId).toBe(503);
    const updated = await caller(memberMapped).rules.save({ id: rule.id, rule: { ...draft, name: "VIP 2" } });
    expect(updated.rule.name).toBe("VIP 2");
    expect(await caller(memberMapped).rules.delete({ id: rule.id })).toEqual({ deleted: true });
    expect((await caller(mapped).rules.list({})).rules.map((r) => r.id)).not.toContain(rule.id);
  });

  it("refuses a campaign or callback rule to a member without a mapped extension (FORBIDDEN)", async () => {
    for (const action of [
      { kind: "campaign" as const, campaignId: 56919, campaignName: "Заявки с сайта" },
      { kind: "callback" as const, target: { type: "responsible" as const } },
    ]) {
      const err = await errorOf(
        caller(memberUnmapped).rules.save({ rule: { ...draft, actions: [action as never] } }),
      );
      expect([err.code, err.message]).toEqual(["FORBIDDEN", EXTENDED_REQUIRED_MESSAGE]);
    }
  });

  it("refuses a member without a mapped extension to save or delete (FORBIDDEN, the same reason)", async () => {
    const save = await errorOf(caller(memberUnmapped).rules.save({ rule: draft }));
    expect(save.code).toBe("FORBIDDEN");
    expect(save.message).toBe(EXTENDED_REQUIRED_MESSAGE);

    const { rule } = await caller(mapped).rules.save({ rule: draft });
    const update = await errorOf(caller(memberUnmapped).rules.save({ id: rule.id, rule: draft }));
    expect(update.code).toBe("FORBIDDEN");
    const del = await errorOf(caller(memberUnmapped).rules.delete({ id: rule.id }));
    expect(del.code).toBe("FORBIDDEN");
    expect(del.message).toBe(EXTENDED_REQUIRED_MESSAGE);
    expect((await caller(mapped).rules.list({})).rules.map((r) => r.id)).toContain(rule.id);

    // Reading stays open to every member: the editor shows the rules and says why saving is closed.
    expect((await caller(memberUnmapped).rules.list({})).rules.map((r) => r.id)).toContain(rule.id);
    const context = await caller(memberUnmapped).rules.editorContext();
    expect(context.me).toMatchObject({ role: "member", hasExtension: false, canEdit: false });
    expect(context.me.sms.code).toBe("no_extension");

    // An admin without an extension may still delete (it stops SMS, it sends none).
    expect(await caller(unmapped).rules.delete({ id: rule.id })).toEqual({ deleted: true });
  });

  it("refuses a template over MANGO's limit or with an unknown macro (BAD_REQUEST, Russian reason)", async () => {
    const long = { ...draft, actions: [{ ...draft.actions[0]!, template: "Я".repeat(269) }] };
    const tooLong = await errorOf(caller(mapped).rules.save({ rule: long }));
    expect(tooLong.code).toBe("BAD_REQUEST");
    expect(tooLong.message).toContain("269 из 268");

    const typo = { ...draft, actions: [{ ...draft.actions[0]!, template: "Привет, {{lead.prise}}" }] };
    const unknown = await errorOf(caller(mapped).rules.save({ rule: typo }));
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(unknown.message).toContain("{{lead.prise}}");
  });

  /** The input issues of a refused save, as the portal's error formatter hands them to the form. */
  const issuesOf = (err: TRPCError) =>
    ((err.cause as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? []).map((i) => ({
      path: i.path.map(String).join("."),
      message: i.message,
    }));

  it("refuses a 10,000-character rule name or sender name with its limit, at the field (issue 11 §5)", async () => {
    const named = await errorOf(caller(mapped).rules.save({ rule: { ...draft, name: "Я".repeat(10_000) } }));
    expect(named.code).toBe("BAD_REQUEST");
    expect(issuesOf(named)).toEqual([{ path: "rule.name", message: "Не длиннее 120 символов" }]);
    expect(named.message).toContain("Не длиннее 120 символов");

    const sender = { ...draft, actions: [{ ...draft.actions[0]!, senderName: "S".repeat(10_000) }] };
    const sent = await errorOf(caller(mapped).rules.save({ rule: sender }));
    expect(sent.code).toBe("BAD_REQUEST");
    expect(issuesOf(sent)).toEqual([
      { path: "rule.actions.0.senderName", message: "Не длиннее 11 символов" },
    ]);
  });

  it("calls a negative budget negative, not «нужно число»", async () => {
    const negative = {
      ...draft,
      conditions: {
        mode: "all" as const,
        items: [{ kind: "budget" as const, op: "gt" as const, value: -1 }],
      },
    };
    const err = await errorOf(caller(mapped).rules.save({ rule: negative }));
    expect(issuesOf(err)).toEqual([
      { path: "rule.conditions.items.0.value", message: "Число не может быть отрицательным" },
    ]);
  });

  it("counts emoji as the editor's counter does: what the counter accepts saves, one unit more is refused", async () => {
    // 😀 is 2 UCS-2 units: 134 of them are MANGO's 268, the counter's limit and the server's.
    const fits = "😀".repeat(134);
    expect(estimateSmsTemplate(fits).length).toMatchObject({ ok: true, count: { units: 268 } });
    const sms = (template: string) => ({ ...draft, actions: [{ ...draft.actions[0]!, template }] });
    await expect(caller(mapped).rules.save({ rule: sms(fits) })).resolves.toMatchObject({
      rule: { actions: [{ template: fits }] },
    });

    const over = `${fits}👨‍👩‍👧`; // a ZWJ family: 8 more units
    expect(estimateSmsTemplate(over).length).toMatchObject({ ok: false, count: { units: 276 } });
    const refused = await errorOf(caller(mapped).rules.save({ rule: sms(over) }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("276 из 268");
  });
});
