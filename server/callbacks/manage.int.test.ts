import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditLog,
  callbackPacing,
  callbackQueue,
  callbackRulePauses,
  integrationSettings,
} from "@/db/schema";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { saveRule } from "@/server/rules/store";
import { createTenant, upsertUser } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { NEGOTIATION } from "@/test/rules-fixtures";
import { withinWorkingHours } from "./hours";
import { callNow, clearQueue, pauseRule, removeItem, resumeRule } from "./manage";
import { queueCallbackItem } from "./queue";
import { dailyStats, listQueue, queuedCount } from "./queue-view";

/** The queue's management on real PostgreSQL: counts, places and times, clear / remove / call now / pause. */
let t: TestDb;
let tenantId: string;
let otherId: string;
let actorId: string;
let ruleA: string;
let ruleB: string;
let otherRule: string;
let seq = 0;
const TZ = "Europe/Moscow";
const NOW = new Date("2026-12-02T09:00:00Z"); // Wednesday, 12:00 in Moscow

async function newRule(tenant: string, name: string) {
  const rule = await saveRule(t.db, {
    tenantId: tenant,
    actorUserId: actorId,
    authorAmoUserId: 501,
    draft: {
      ...NEGOTIATION,
      name,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [{ kind: "callback", target: { type: "responsible" } }],
    } as never,
  });
  return rule!.id;
}

async function queue(tenant: string, ruleId: string, leadId: number) {
  seq += 1;
  const { id } = await queueCallbackItem(t.db, {
    tenantId: tenant,
    ruleId,
    ruleName: `Правило ${ruleId.slice(0, 4)}`,
    leadId,
    leadName: `Сделка ${leadId}`,
    contactId: null,
    idempotencyKey: `test:${seq}`,
    target: { type: "responsible", amoUserId: 501, extension: "101", name: "Иванов" },
    phone: "+79161234567",
    lineNumber: null,
    taskOnFailure: true,
    stageOnSuccess: null,
    stageOnFailure: null,
  });
  return id;
}

async function setAutoCallback(tenant: string, autoCallback: object) {
  const settings = settingsDocumentSchema.parse({ calls: { autoCallback } });
  await t.db
    .insert(integrationSettings)
    .values({ tenantId: tenant, settings, version: 1 })
    .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
}

const stateOf = async (id: string) =>
  (await t.db.select({ s: callbackQueue.state }).from(callbackQueue).where(eq(callbackQueue.id, id)))[0]?.s;

beforeAll(async () => {
  t = await createTestDb();
  const a = await createTenant(t.db, {
    amocrmAccountId: 5151,
    amocrmSubdomain: "cbm",
    amocrmBaseUrl: "http://cbm",
    name: "Перезвоны",
  });
  const b = await createTenant(t.db, {
    amocrmAccountId: 5152,
    amocrmSubdomain: "cbm2",
    amocrmBaseUrl: "http://cbm2",
    name: "Чужой",
  });
  tenantId = a.id;
  otherId = b.id;
  actorId = (await upsertUser(t.db, { amocrmUserId: 501, name: "Админ" })).id;
  ruleA = await newRule(tenantId, "Перезвон А");
  ruleB = await newRule(tenantId, "Перезвон Б");
  otherRule = await newRule(otherId, "Чужой перезвон");
});
afterAll(() => t.drop());

beforeEach(async () => {
  await t.db.delete(callbackQueue);
  await t.db.delete(callbackRulePauses);
  await t.db.delete(callbackPacing);
  await t.db.delete(integrationSettings);
});

describe("callback queue management", () => {
  it("counts, places and estimates: max(now, next slot) + (place − 1) · 60 / rate", async () => {
    await setAutoCallback(tenantId, { ratePerMinute: 4 });
    const first = await queue(tenantId, ruleA, 1);
    const second = await queue(tenantId, ruleB, 2);
    const third = await queue(tenantId, ruleA, 3);
    await queue(otherId, otherRule, 9);
    const slot = new Date(NOW.getTime() + 30_000);
    await t.db.insert(callbackPacing).values({ tenantId, nextSlotAt: slot });

    expect(await queuedCount(t.db, { tenantId })).toBe(3);
    const view = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(view.rate).toBe(4);
    expect(view.waiting).toBeNull();
    expect(view.queued.total).toBe(3);
    expect(view.queued.items.map((i) => [i.id, i.position, i.estimatedAt?.toISOString()])).toEqual([
      [first, 1, slot.toISOString()],
      [second, 2, new Date(slot.getTime() + 15_000).toISOString()],
      [third, 3, new Date(slot.getTime() + 30_000).toISOString()],
    ]);
    expect(view.queued.items[0]).toMatchObject({
      leadName: "Сделка 1",
      phone: "+7916***4567",
      state: "queued",
    });

    // A slot in the past starts from now; the default rate (null → 2 a minute) applies.
    await setAutoCallback(tenantId, { ratePerMinute: null });
    await t.db.update(callbackPacing).set({ nextSlotAt: new Date(NOW.getTime() - 60_000) });
    const byDefault = await listQueue(t.db, {
      tenantId,
      timeZone: TZ,
      now: NOW,
      queuedOffset: 1,
      queuedLimit: 1,
    });
    expect(byDefault.rate).toBe(2);
    expect(byDefault.queued.items.map((i) => [i.id, i.position, i.estimatedAt?.toISOString()])).toEqual([
      [second, 2, new Date(NOW.getTime() + 30_000).toISOString()],
    ]);
  });

  it("has no estimate at rate 0 («на паузе») or outside the working hours; a paused rule's items have no place", async () => {
    await setAutoCallback(tenantId, { ratePerMinute: 0 });
    const first = await queue(tenantId, ruleA, 1);
    const second = await queue(tenantId, ruleB, 2);
    const paused = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(paused.waiting).toBe("paused");
    expect(paused.queued.items.map((i) => i.estimatedAt)).toEqual([null, null]);

    // Wednesday 12:00 Moscow is outside a 13:00–18:00 window and outside a weekend-only one.
    await setAutoCallback(tenantId, {
      ratePerMinute: 6,
      workingHours: { enabled: true, days: [1, 2, 3, 4, 5], from: "13:00", to: "18:00" },
    });
    const closed = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(closed.waiting).toBe("outside_hours");
    expect(closed.queued.items.every((i) => i.estimatedAt === null)).toBe(true);

    await setAutoCallback(tenantId, {
      ratePerMinute: 6,
      workingHours: { enabled: true, days: [3], from: "09:00", to: "18:00" },
    });
    expect(await pauseRule(t.db, { tenantId, actorUserId: actorId, ruleId: ruleA })).toBe(true);
    const open = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(open.waiting).toBeNull();
    expect(open.queued.items.map((i) => [i.id, i.position, i.rulePaused])).toEqual([
      [second, 1, false],
      [first, null, true],
    ]);
    expect(open.queued.items[0]!.estimatedAt).toEqual(NOW);
    expect(open.pausedRules.map((r) => r.ruleName)).toEqual(["Перезвон А"]);
    expect(open.rules.find((r) => r.ruleId === ruleA)).toMatchObject({ paused: true, queued: 1 });
  });

  it("working hours are read on the account's clock", () => {
    const hours = { enabled: true, days: [3], from: "09:00", to: "18:00" };
    expect(withinWorkingHours(hours, "Europe/Moscow", NOW)).toBe(true);
    // 09:00 UTC is 16:00 in Novosibirsk: inside; 20:00 in Vladivostok-ish +11: outside.
    expect(withinWorkingHours(hours, "Asia/Novosibirsk", NOW)).toBe(true);
    expect(withinWorkingHours(hours, "Asia/Magadan", NOW)).toBe(false);
    expect(withinWorkingHours({ ...hours, enabled: false }, "Asia/Magadan", NOW)).toBe(true);
  });

  it("«Очистить» clears only the tenant's queued items, with the reason and an audit row", async () => {
    const a = await queue(tenantId, ruleA, 1);
    const b = await queue(tenantId, ruleA, 2);
    const done = await queue(tenantId, ruleA, 3);
    await t.db.update(callbackQueue).set({ state: "succeeded" }).where(eq(callbackQueue.id, done));
    const theirs = await queue(otherId, otherRule, 9);

    expect(await clearQueue(t.db, { tenantId: otherId, actorUserId: actorId })).toEqual({ cleared: 1 });
    expect(await stateOf(a)).toBe("queued");
    expect(await stateOf(theirs)).toBe("cleared");

    expect(await clearQueue(t.db, { tenantId, actorUserId: actorId, now: NOW })).toEqual({ cleared: 2 });
    const rows = await t.db.select().from(callbackQueue).where(eq(callbackQueue.tenantId, tenantId));
    expect(
      Object.fromEntries(rows.map((r) => [r.id, [r.state, r.reason, r.finishedAt?.toISOString() ?? null]])),
    ).toEqual({
      [a]: ["cleared", "Очередь очищена вручную", NOW.toISOString()],
      [b]: ["cleared", "Очередь очищена вручную", NOW.toISOString()],
      [done]: ["succeeded", null, null],
    });
    expect(await queuedCount(t.db, { tenantId })).toBe(0);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "callbacks.clear")));
    expect(audit.map((r) => r.after)).toEqual([{ cleared: 2 }]);
    // Nothing queued: nothing to clear, no audit row.
    expect(await clearQueue(t.db, { tenantId, actorUserId: actorId })).toEqual({ cleared: 0 });
    const view = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(view.finished.total).toBe(3);
    expect(view.finished.items.map((i) => i.state).sort()).toEqual(["cleared", "cleared", "succeeded"]);
  });

  it("removes and calls now one queued item; another tenant's id changes nothing", async () => {
    const mine = await queue(tenantId, ruleA, 1);
    const later = await queue(tenantId, ruleA, 2);
    const theirs = await queue(otherId, otherRule, 9);
    let woken = 0;
    const wake = async () => {
      woken += 1;
    };

    expect(await removeItem(t.db, { tenantId: otherId, actorUserId: actorId, id: mine })).toBe("not_found");
    expect(await callNow(t.db, { tenantId: otherId, actorUserId: actorId, id: mine, wake })).toBe(
      "not_found",
    );
    expect(await stateOf(mine)).toBe("queued");
    expect(woken).toBe(0);

    expect(await callNow(t.db, { tenantId, actorUserId: actorId, id: later, wake, now: NOW })).toBe("ok");
    expect(woken).toBe(1);
    const view = await listQueue(t.db, { tenantId, timeZone: TZ, now: NOW });
    expect(view.queued.items.map((i) => [i.id, i.position, i.callNowAt])).toEqual([
      [later, 1, NOW],
      [mine, 2, null],
    ]);

    expect(await removeItem(t.db, { tenantId, actorUserId: actorId, id: mine })).toBe("ok");
    expect(await stateOf(mine)).toBe("removed");
    expect(await removeItem(t.db, { tenantId, actorUserId: actorId, id: mine })).toBe("not_queued");
    expect(await callNow(t.db, { tenantId, actorUserId: actorId, id: mine, wake })).toBe("not_queued");
    expect(woken).toBe(1);
    expect(await stateOf(theirs)).toBe("queued");
    const [theirsRow] = await t.db.select().from(callbackQueue).where(eq(callbackQueue.id, theirs));
    expect(theirsRow!.callNowAt).toBeNull();
    const actions = await t.db
      .select({ action: auditLog.action, target: auditLog.target })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.target, `callback:${mine}`)));
    expect(actions).toEqual([{ action: "callbacks.remove", target: `callback:${mine}` }]);
  });

  it("pauses and resumes a rule of the tenant only, and wakes the dispatcher on resume", async () => {
    let woken = 0;
    const wake = async () => {
      woken += 1;
    };
    expect(await pauseRule(t.db, { tenantId, actorUserId: actorId, ruleId: otherRule })).toBe(false);
    expect(await pauseRule(t.db, { tenantId: otherId, actorUserId: actorId, ruleId: ruleA })).toBe(false);
    await pauseRule(t.db, { tenantId: otherId, actorUserId: actorId, ruleId: otherRule });
    expect(await resumeRule(t.db, { tenantId, actorUserId: actorId, ruleId: otherRule, wake })).toBe(false);
    expect(woken).toBe(0);
    expect(await t.db.select().from(callbackRulePauses)).toEqual([
      expect.objectContaining({ tenantId: otherId, ruleId: otherRule }),
    ]);

    expect(await pauseRule(t.db, { tenantId, actorUserId: actorId, ruleId: ruleA })).toBe(true);
    expect(await pauseRule(t.db, { tenantId, actorUserId: actorId, ruleId: ruleA })).toBe(true);
    const pauses = await t.db
      .select()
      .from(callbackRulePauses)
      .where(eq(callbackRulePauses.tenantId, tenantId));
    expect(pauses.map((p) => p.ruleId)).toEqual([ruleA]);
    expect(await resumeRule(t.db, { tenantId, actorUserId: actorId, ruleId: ruleA, wake })).toBe(true);
    expect(woken).toBe(1);
    expect(
      await t.db.select().from(callbackRulePauses).where(eq(callbackRulePauses.tenantId, tenantId)),
    ).toEqual([]);
    expect(
      await t.db.select().from(callbackRulePauses).where(eq(callbackRulePauses.tenantId, otherId)),
    ).toHaveLength(1);
  });

  it("counts per day of the account's time zone: queued by when queued, succeeded / failed by when finished", async () => {
    const a = await queue(tenantId, ruleA, 1);
    const b = await queue(tenantId, ruleA, 2);
    const c = await queue(tenantId, ruleA, 3);
    await queue(otherId, otherRule, 9);
    // 22:30 UTC on the 30th is 01:30 on 1 December in Moscow.
    await t.db
      .update(callbackQueue)
      .set({ queuedAt: new Date("2026-11-30T22:30:00Z") })
      .where(eq(callbackQueue.tenantId, tenantId));
    await t.db
      .update(callbackQueue)
      .set({ state: "succeeded", finishedAt: new Date("2026-12-01T10:00:00Z") })
      .where(eq(callbackQueue.id, a));
    await t.db
      .update(callbackQueue)
      .set({ state: "expired", finishedAt: new Date("2026-12-02T08:00:00Z") })
      .where(eq(callbackQueue.id, b));
    await t.db
      .update(callbackQueue)
      .set({ state: "cleared", finishedAt: new Date("2026-12-02T08:00:00Z") })
      .where(eq(callbackQueue.id, c));
    const days = await dailyStats(t.db, {
      tenantId,
      timeZone: TZ,
      from: new Date("2026-11-29T21:00:00Z"),
      to: NOW,
    });
    expect(days).toEqual([
      { day: "2026-11-30", queued: 0, succeeded: 0, failed: 0 },
      { day: "2026-12-01", queued: 3, succeeded: 1, failed: 0 },
      { day: "2026-12-02", queued: 0, succeeded: 0, failed: 1 },
    ]);
  });
});
