import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, callbackQueue, employeeLinks, jobRuns, mangoEmployees, mangoGroups } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { saveRule } from "@/server/rules/store";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { EXTENDED_REQUIRED_MESSAGE } from "@/server/trpc/procedures/rules-access";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { NEGOTIATION } from "@/test/rules-fixtures";
import { queueCallbackItem } from "./queue";

/** callbacks.* and rules.callbackOptions through tRPC: who may read, who may change, what each answers. */
let t: TestDb;
let tenantId: string;
let ruleId: string;
let admin: SessionIdentity;
let memberMapped: SessionIdentity;
let memberUnmapped: SessionIdentity;
let seq = 0;

const caller = (session: SessionIdentity) =>
  createCaller({ db: t.db, queue: createLocalQueue(t.db), session, requestId: "test" });

async function errorOf(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

async function queued(leadId: number) {
  seq += 1;
  const { id } = await queueCallbackItem(t.db, {
    tenantId,
    ruleId,
    ruleName: "Перезвон новым",
    leadId,
    leadName: `Сделка ${leadId}`,
    contactId: null,
    idempotencyKey: `trpc:${seq}`,
    target: { type: "group", amoUserId: null, extension: "201", name: "Продажи" },
    phone: "+79035550101",
    lineNumber: "74950000000",
    taskOnFailure: false,
    stageOnSuccess: null,
    stageOnFailure: null,
  });
  return id;
}

beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 6161,
    amocrmSubdomain: "cbtrpc",
    amocrmBaseUrl: "http://cbtrpc",
    name: "Очередь",
  });
  tenantId = tenant.id;
  const owner = await upsertUser(t.db, { amocrmUserId: 601, name: "Владелец" });
  const withExt = await upsertUser(t.db, { amocrmUserId: 603, name: "Сотрудник с номером" });
  const withoutExt = await upsertUser(t.db, { amocrmUserId: 604, name: "Сотрудник без номера" });
  await addMembership(t.db, { tenantId, userId: owner.id, role: "owner" });
  await addMembership(t.db, { tenantId, userId: withExt.id, role: "member" });
  await addMembership(t.db, { tenantId, userId: withoutExt.id, role: "member" });
  await t.db.insert(amocrmUsers).values([
    { tenantId, amoUserId: 601, name: "Владелец", isActive: true },
    { tenantId, amoUserId: 603, name: "Сотрудник с номером", isActive: true },
    { tenantId, amoUserId: 604, name: "Сотрудник без номера", isActive: true },
  ]);
  const [e] = await t.db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:103", extension: "103", name: "Сотрудник 103" })
    .returning();
  await t.db
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId: e!.id, amoUserId: 603, source: "manual" });
  await t.db.insert(mangoGroups).values([
    { tenantId, groupId: 12, name: "Продажи", extension: "201" },
    { tenantId, groupId: 11, name: "Поддержка", extension: null },
  ]);
  const rule = await saveRule(t.db, {
    tenantId,
    actorUserId: owner.id,
    authorAmoUserId: 601,
    draft: {
      ...NEGOTIATION,
      name: "Перезвон новым",
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [{ kind: "callback", target: { type: "responsible" } }],
    } as never,
  });
  ruleId = rule!.id;
  admin = { userId: owner.id, tenantId };
  memberMapped = { userId: withExt.id, tenantId };
  memberUnmapped = { userId: withoutExt.id, tenantId };
});
afterAll(() => t.drop());

describe("callbacks through tRPC", () => {
  it("lets members read the count and the queue, and refuses changes to a member without an extension", async () => {
    const id = await queued(1);
    expect(await caller(memberUnmapped).callbacks.count()).toEqual({ queued: 1, timeZone: "Europe/Moscow" });
    const view = await caller(memberUnmapped).callbacks.queue({});
    expect(view.queued.items.map((i) => [i.id, i.position, i.targetName])).toEqual([[id, 1, "Продажи"]]);
    expect(view.rate).toBe(2);
    expect(view.timeZone).toBe("Europe/Moscow");

    for (const attempt of [
      () => caller(memberUnmapped).callbacks.clear(),
      () => caller(memberUnmapped).callbacks.remove({ id }),
      () => caller(memberUnmapped).callbacks.callNow({ id }),
      () => caller(memberUnmapped).callbacks.pauseRule({ ruleId }),
    ]) {
      const err = await errorOf(attempt());
      expect(err.code).toBe("FORBIDDEN");
      expect(err.message).toBe(EXTENDED_REQUIRED_MESSAGE);
    }
    expect(await caller(memberUnmapped).callbacks.count()).toEqual({ queued: 1, timeZone: "Europe/Moscow" });
  });

  it("calls now, removes, pauses and clears, answering in Russian what cannot be done", async () => {
    await t.db.delete(callbackQueue);
    const a = await queued(2);
    const b = await queued(3);
    const dispatchRuns = async () =>
      (
        await t.db
          .select({ id: jobRuns.id })
          .from(jobRuns)
          .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, "callbacks.dispatch")))
      ).length;
    expect(await dispatchRuns()).toBe(0);
    expect(await caller(memberMapped).callbacks.callNow({ id: b })).toEqual({ callNow: true });
    // «Позвонить сейчас» wakes the tenant's dispatcher (a callbacks.dispatch run).
    expect(await dispatchRuns()).toBeGreaterThan(0);
    expect((await caller(admin).callbacks.queue({})).queued.items.map((i) => i.id)).toEqual([b, a]);

    expect(await caller(memberMapped).callbacks.remove({ id: b })).toEqual({ removed: true });
    const again = await errorOf(caller(admin).callbacks.remove({ id: b }));
    expect([again.code, again.message]).toEqual([
      "CONFLICT",
      "Этот звонок уже не в очереди: его набрали, убрали или очередь очистили. Обновите страницу.",
    ]);
    const missing = await errorOf(
      caller(admin).callbacks.callNow({ id: "00000000-0000-4000-8000-000000000000" }),
    );
    expect([missing.code, missing.message]).toEqual(["NOT_FOUND", "Запись очереди не найдена"]);

    expect(await caller(admin).callbacks.pauseRule({ ruleId })).toEqual({ paused: true });
    const paused = await caller(memberUnmapped).callbacks.queue({});
    expect(paused.rules).toEqual([{ ruleId, ruleName: "Перезвон новым", queued: 1, paused: true }]);
    expect(paused.queued.items[0]).toMatchObject({ id: a, position: null, rulePaused: true });
    expect(await caller(admin).callbacks.resumeRule({ ruleId })).toEqual({ paused: false });

    expect(await caller(admin).callbacks.clear()).toEqual({ cleared: 1 });
    expect(await caller(memberUnmapped).callbacks.count()).toEqual({ queued: 0, timeZone: "Europe/Moscow" });
    const [row] = await t.db.select().from(callbackQueue).where(eq(callbackQueue.id, a));
    expect([row!.state, row!.reason]).toEqual(["cleared", "Очередь очищена вручную"]);
    const days = await caller(memberUnmapped).callbacks.daily({ from: new Date(Date.now() - 86_400_000) });
    expect(days.reduce((n, d) => n + d.queued, 0)).toBe(2);
  });

  it("wakes the dispatcher when the settings are saved with items queued (a rate set from 0 applies at once)", async () => {
    await t.db.delete(callbackQueue);
    await t.db.delete(jobRuns);
    const runs = async () =>
      (
        await t.db
          .select({ id: jobRuns.id })
          .from(jobRuns)
          .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, "callbacks.dispatch")))
      ).length;
    const save = async (ratePerMinute: number) => {
      const { version, settings } = await caller(admin).settings.get();
      await caller(admin).settings.save({
        version,
        settings: {
          ...settings,
          calls: { ...settings.calls, autoCallback: { ...settings.calls.autoCallback, ratePerMinute } },
        },
      });
    };
    await save(0);
    expect(await runs()).toBe(0); // nothing queued: no run for a settings save
    await queued(4);
    await save(5);
    expect(await runs()).toBe(1);
  });

  it("offers only employees with a mapped extension, groups by name, and says why the lines are missing", async () => {
    const options = await caller(memberUnmapped).rules.callbackOptions();
    expect(options.employees).toEqual([{ amoUserId: 603, name: "Сотрудник с номером", extension: "103" }]);
    expect(options.groups.map((g) => g.name)).toEqual(["Поддержка", "Продажи"]);
    expect(options.lines).toEqual([]);
    expect(options.linesProblem).toBe(
      "АТС MANGO OFFICE не подключена: линии появятся после подключения на странице «Обзор».",
    );
  });
});
