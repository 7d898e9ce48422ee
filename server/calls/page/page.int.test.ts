// Issue 6 "Calls page": the list and the daily chart on real PostgreSQL — filters, cursor pages, Moscow
// days, masking, the links to amoCRM and the journal, and another tenant's calls staying out.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, callLogs, calls, callTopics, employeeLinks, mangoEmployees } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { writeCallJob } from "@/server/calls/jobs";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { accountDaysBetween } from "@/server/reports/account-days";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { createTwoTenants } from "@/test/two-tenants";
import { dailyCallCounts } from "./daily";
import { type CallsCursor, listCallsPage } from "./list";

let t: TestDb;
let tenantId: string;
let otherTenantId: string;
let ownerId: string;
const ids: Record<string, string> = {};
const BASE_URL = "https://romashka.amocrm.ru";

/** 2026-11-20 in Moscow runs from 2026-11-19T21:00Z to 2026-11-20T20:59:59.999Z. */
const at = (iso: string) => new Date(iso);
const MSK = "Europe/Moscow";

async function addCall(name: string, tenant: string, v: Partial<typeof calls.$inferInsert>) {
  const [row] = await t.db
    .insert(calls)
    .values({ tenantId: tenant, entryId: `entry-${name}`, stage: "finished", ...v })
    .returning();
  ids[name] = row!.id;
}

beforeAll(async () => {
  t = await createTestDb();
  ({ tenantId, otherTenantId, ownerId } = await createTwoTenants(t.db, { amocrmBaseUrl: `${BASE_URL}/` }));

  const [ivanov] = await t.db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:101", extension: "101", name: "Иванов Иван" })
    .returning();
  await t.db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:102", extension: "102", name: "Петров Пётр" });
  await t.db.insert(amocrmUsers).values({ tenantId, amoUserId: 501, name: "Иван (amoCRM)" });
  await t.db
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId: ivanov!.id, amoUserId: 501, source: "manual" });

  // Day 2026-11-20 (Moscow): its first and last millisecond, an outgoing call, an internal one.
  await addCall("firstMs", tenantId, {
    direction: "incoming",
    clientPhone: "+79991234567",
    answeredExtension: "101",
    rangExtensions: ["101", "102"],
    talkSeconds: 65,
    startedAt: at("2026-11-19T21:00:00.000Z"),
  });
  await addCall("lastMs", tenantId, {
    direction: "incoming",
    clientPhone: "+79990000001",
    rangExtensions: ["102", "101"],
    startedAt: at("2026-11-20T20:59:59.999Z"),
  });
  await addCall("outgoing", tenantId, {
    direction: "outgoing",
    clientPhone: "+79990000002",
    rangExtensions: ["102"],
    answeredExtension: "102",
    talkSeconds: 10,
    startedAt: at("2026-11-20T09:00:00Z"),
  });
  await addCall("internal", tenantId, { direction: "internal", startedAt: at("2026-11-20T10:00:00Z") });
  // The last second of 2026-11-19 and the first of 2026-11-21, Moscow.
  await addCall("dayBefore", tenantId, {
    direction: "incoming",
    clientPhone: "+79990000003",
    rangExtensions: ["101"],
    startedAt: at("2026-11-19T20:59:59.999Z"),
  });
  await addCall("dayAfter", tenantId, {
    direction: "incoming",
    clientPhone: "+79990000004",
    answeredExtension: "102",
    talkSeconds: 5,
    startedAt: at("2026-11-20T21:00:00.000Z"),
  });
  await addCall("foreign", otherTenantId, {
    direction: "incoming",
    clientPhone: "+79995550000",
    startedAt: at("2026-11-20T12:00:00Z"),
  });

  // firstMs was logged on contact 7001; its journal entry is the calls.log run's.
  const run = await insertJobRun(
    t.db,
    writeCallJob,
    { callId: ids.firstMs! },
    { tenantId, idempotencyKey: `call:${ids.firstMs}`, driver: "local" },
  );
  await recordAttempt(
    t.db,
    writeCallJob,
    run.row,
    1,
    { kind: "done", result: { contactId: 7001 } },
    { retryAt: null },
  );
});
afterAll(() => t.drop());

const list = (f: Partial<Parameters<typeof listCallsPage>[1]> = {}) =>
  listCallsPage(t.db, { tenantId, amocrmBaseUrl: `${BASE_URL}/`, limit: 50, ...f });

describe("calls list", () => {
  it("lists the tenant's client calls newest first, masked, with employee, result and links", async () => {
    const { items, nextCursor } = await list();
    expect(items.map((c) => c.id)).toEqual(
      ["dayAfter", "lastMs", "outgoing", "firstMs", "dayBefore"].map((n) => ids[n]),
    );
    expect(nextCursor).toBeNull();
    const first = items.find((c) => c.id === ids.firstMs)!;
    expect(first).toMatchObject({
      clientPhone: "+7999***4567",
      direction: "incoming",
      extension: "101",
      employeeName: "Иванов Иван",
      amoUserName: "Иван (amoCRM)",
      talkSeconds: 65,
      result: "answered",
      contactUrl: `${BASE_URL}/contacts/detail/7001`,
      logEntry: { status: "done" },
    });
    const missed = items.find((c) => c.id === ids.lastMs)!;
    expect(missed).toMatchObject({ result: "missed", extension: "102", contactUrl: null, logEntry: null });
    // No full number anywhere; uuids (row ids) are cut out first: their hex runs may hold 11 digits.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    expect(JSON.stringify(items).replace(uuid, "<id>")).not.toMatch(/\d{11}/);
  });

  it("filters by direction, employee (who answered; for unanswered calls, whom it rang), result and period", async () => {
    const idsOf = async (f: Parameters<typeof list>[0]) => (await list(f)).items.map((c) => c.id).sort();
    const named = (...names: string[]) => names.map((n) => ids[n]).sort();
    expect(await idsOf({ direction: "outgoing" })).toEqual(named("outgoing"));
    expect(await idsOf({ extension: "101" })).toEqual(named("firstMs", "lastMs", "dayBefore"));
    expect(await idsOf({ result: "missed" })).toEqual(named("lastMs", "dayBefore"));
    expect(await idsOf({ result: "answered", extension: "102" })).toEqual(named("outgoing", "dayAfter"));
    expect(await idsOf({ from: at("2026-11-19T21:00:00.000Z"), to: at("2026-11-20T20:59:59.999Z") })).toEqual(
      named("firstMs", "lastMs", "outgoing"),
    );
  });

  it("pages by cursor through calls sharing a start time, each exactly once", async () => {
    const same = at("2026-11-10T12:00:00.123Z");
    for (const n of ["tie1", "tie2", "tie3"])
      await addCall(n, tenantId, { direction: "incoming", clientPhone: "+79990000010", startedAt: same });
    const seen: string[] = [];
    let cursor: CallsCursor | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await list({ limit: 2, cursor });
      seen.push(...res.items.map((c) => c.id));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen).not.toContain(ids.foreign);
  });

  it("shows an unanswered outgoing call under who placed it, with the contact its log resolved", async () => {
    await addCall("placed", tenantId, {
      direction: "outgoing",
      clientPhone: "+79990000020",
      callerExtension: "103",
      startedAt: at("2026-11-05T08:00:00Z"),
    });
    await t.db.insert(callLogs).values({ tenantId, callId: ids.placed!, contactId: 8001 });
    const { items } = await list({ extension: "103" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: ids.placed,
      extension: "103",
      result: "notAnswered",
      contactUrl: `${BASE_URL}/contacts/detail/8001`,
      logEntry: null,
    });
  });

  it("answers through tRPC with the tenant of the session only", async () => {
    const caller = createCaller({
      db: t.db,
      queue: createLocalQueue(t.db),
      session: { userId: ownerId, tenantId },
      requestId: "t",
    });
    const out = await caller.calls.list({ from: at("2026-11-20T00:00:00Z"), to: at("2026-11-20T23:00:00Z") });
    expect(out.items.map((c) => c.id)).not.toContain(ids.foreign);
    expect(JSON.stringify(out)).not.toContain("79995550000");
    expect(JSON.stringify(out)).not.toContain("79991234567");
    const outgoing = await caller.calls.list({ callDirection: "outgoing" });
    expect(outgoing.items.map((c) => c.id).sort()).toEqual([ids.outgoing, ids.placed].sort());
    const days = await caller.calls.daily({
      callDirection: "incoming",
      from: at("2026-11-19T21:00:00Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(days).toEqual([{ day: "2026-11-20", answered: 1, missed: 1, notAnswered: 0 }]);
  });

  it("shows each call's Contact Center topics with the deal link, null without a row, never another tenant's", async () => {
    const row = (name: string, tenant: string, v: Partial<typeof callTopics.$inferInsert>) => ({
      tenantId: tenant,
      callId: ids[name]!,
      entryId: `entry-${name}`,
      campaignCall: true,
      deadlineAt: at("2026-11-20T10:00:00Z"),
      ...v,
    });
    await t.db.insert(callTopics).values([
      row("outgoing", tenantId, { state: "waiting", nextPollAt: at("2026-11-20T09:05:00Z") }),
      row("firstMs", tenantId, {
        state: "saved",
        topicPaths: ["Продажи / Консультация", "Доставка"],
        comment: "Перезвонить",
        leadId: 9001,
      }),
      row("lastMs", tenantId, { state: "skipped", reason: "За час тематики не появились" }),
      row("foreign", otherTenantId, { state: "saved", topicPaths: ["Чужая"], leadId: 6666 }),
    ]);
    const caller = createCaller({
      db: t.db,
      queue: createLocalQueue(t.db),
      session: { userId: ownerId, tenantId },
      requestId: "t",
    });
    const { items } = await caller.calls.list({});
    const byId = (name: string) => items.find((c) => c.id === ids[name])!.topics;
    expect(byId("outgoing")).toEqual({
      state: "waiting",
      nextPollAt: "2026-11-20T09:05:00.000Z",
      leadId: null,
      topicPaths: [],
      comment: null,
      reason: null,
      dealUrl: null,
    });
    expect(byId("firstMs")).toEqual({
      state: "saved",
      nextPollAt: null,
      leadId: 9001,
      topicPaths: ["Продажи / Консультация", "Доставка"],
      comment: "Перезвонить",
      reason: null,
      dealUrl: `${BASE_URL}/leads/detail/9001`,
    });
    expect(byId("lastMs")).toMatchObject({ state: "skipped", reason: "За час тематики не появились" });
    expect(byId("dayAfter")).toBeNull();
    expect(JSON.stringify(items)).not.toContain("Чужая");
    await t.db.delete(callTopics);
  });

  it("calls an outgoing call the client did not pick up «not answered», never «missed»", async () => {
    await addCall("unpicked", tenantId, {
      direction: "outgoing",
      clientPhone: "+79990000021",
      callerExtension: "101",
      startedAt: at("2026-11-20T11:00:00Z"),
    });
    const idsOf = async (f: Parameters<typeof list>[0]) => (await list(f)).items.map((c) => c.id);
    expect(await idsOf({ result: "notAnswered" })).toEqual([ids.unpicked, ids.placed]);
    expect(await idsOf({ result: "missed" })).not.toContain(ids.unpicked);
    const day = await dailyCallCounts(t.db, {
      tenantId,
      timeZone: MSK,
      from: at("2026-11-19T21:00:00.000Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(day).toEqual([{ day: "2026-11-20", answered: 2, missed: 1, notAnswered: 1 }]);
    await t.db.delete(calls).where(eq(calls.id, ids.unpicked!));
  });
});

describe("calls per Moscow day (a tenant on Moscow time)", () => {
  it("lists every Moscow day of the period", () => {
    expect(accountDaysBetween(at("2026-11-18T21:00:00Z"), at("2026-11-21T20:59:59Z"), MSK)).toEqual([
      "2026-11-19",
      "2026-11-20",
      "2026-11-21",
    ]);
  });

  it("counts answered and missed per Moscow day, the boundaries to the millisecond", async () => {
    const days = await dailyCallCounts(t.db, {
      tenantId,
      timeZone: MSK,
      from: at("2026-11-18T21:00:00.000Z"),
      to: at("2026-11-21T20:59:59.999Z"),
    });
    expect(days).toEqual([
      { day: "2026-11-19", answered: 0, missed: 1, notAnswered: 0 },
      { day: "2026-11-20", answered: 2, missed: 1, notAnswered: 0 },
      { day: "2026-11-21", answered: 1, missed: 0, notAnswered: 0 },
    ]);
    const incomingOf101 = await dailyCallCounts(t.db, {
      tenantId,
      timeZone: MSK,
      direction: "incoming",
      extension: "101",
      from: at("2026-11-19T21:00:00.000Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(incomingOf101).toEqual([{ day: "2026-11-20", answered: 1, missed: 1, notAnswered: 0 }]);
  });

  it("does not count another tenant's calls", async () => {
    const days = await dailyCallCounts(t.db, {
      tenantId: otherTenantId,
      timeZone: MSK,
      from: at("2026-11-19T21:00:00.000Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(days).toEqual([{ day: "2026-11-20", answered: 0, missed: 1, notAnswered: 0 }]);
  });
});
