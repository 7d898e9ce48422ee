// Issue 7 "SMS log": the list and the daily chart on real PostgreSQL — filters, cursor pages, masking
// (the full number never leaves), Moscow days to the millisecond, and another tenant's SMS staying out.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { saveRule } from "@/server/rules/store";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";
import { createTwoTenants } from "@/test/two-tenants";
import { listSmsHistory, type SmsHistoryCursor } from "./history";
import { dailySmsCounts } from "./history-daily";
import { openSmsPhone, openSmsText, sealSms } from "./phone";

let t: TestDb;
let tenantId: string;
let otherTenantId: string;
let ownerId: string;
let ruleVip = "";
let ruleOther = "";
const ids: Record<string, string> = {};
const BASE_URL = "https://romashka.amocrm.ru";
const at = (iso: string) => new Date(iso);

type SmsValues = Partial<typeof smsMessages.$inferInsert>;
/** Stored as the rule's send path stores it: number and text masked and sealed (phone.ts). */
async function addSms(name: string, tenant: string, v: SmsValues, { sealed = true } = {}) {
  const id = randomUUID();
  const phone = v.phone ?? "+79160000000";
  const text = v.text ?? "Добрый день!";
  const [row] = await t.db
    .insert(smsMessages)
    .values({
      id,
      tenantId: tenant,
      recipientRole: "client",
      fromExtension: "100",
      idempotencyKey: `key-${name}`,
      commandId: `cmd-${name}`,
      ...v,
      ...(sealed ? sealSms({ tenantId: tenant, id }, { phone, text }) : { phone, text }),
    })
    .returning();
  ids[name] = row!.id;
}

async function addRule(tenant: string, actorUserId: string, name: string) {
  const rule = await saveRule(t.db, {
    tenantId: tenant,
    actorUserId,
    authorAmoUserId: 11,
    draft: {
      pipelineId: 1,
      statusId: 2,
      name,
      enabled: true,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [{ kind: "sms", recipients: ["client"], senderName: "AMANGO", template: "x", fallback: null }],
      applyToCurrentDeals: false,
    },
  });
  return rule!.id;
}

beforeAll(async () => {
  t = await createTestDb();
  ({ tenantId, otherTenantId, ownerId } = await createTwoTenants(t.db, { amocrmBaseUrl: `${BASE_URL}/` }));
  ruleVip = await addRule(tenantId, ownerId, "VIP-клиенты");
  ruleOther = await addRule(tenantId, ownerId, "Напоминание");

  // 2026-11-20 in Moscow runs from 2026-11-19T21:00Z to 2026-11-20T20:59:59.999Z.
  await addSms("delivered", tenantId, {
    ruleId: ruleVip,
    leadId: 5001,
    phone: "+79161234567",
    // The client's own number quoted back in the text must not give it away either.
    text: "Олег, ваш номер +7 916 123-45-67 подтверждён",
    segments: 1,
    status: "delivered",
    createdAt: at("2026-11-19T21:00:00.000Z"),
    sentAt: at("2026-11-19T21:00:01.000Z"),
    deliveredAt: at("2026-11-19T21:00:05.000Z"),
  });
  await addSms("sentLastMs", tenantId, {
    ruleId: ruleVip,
    leadId: 5002,
    phone: "+79035550011",
    recipientRole: "client+responsible",
    status: "sent",
    createdAt: at("2026-11-20T20:59:59.999Z"),
    sentAt: at("2026-11-20T20:59:59.999Z"),
  });
  await addSms("failed", tenantId, {
    ruleId: ruleOther,
    leadId: 5003,
    phone: "+74951234500",
    recipientRole: "responsible",
    status: "failed",
    reason: "Номер в чёрном списке",
    createdAt: at("2026-11-20T09:00:00Z"),
  });
  await addSms("dayBefore", tenantId, {
    ruleId: ruleVip,
    leadId: 5004,
    phone: "+79260001122",
    status: "failed",
    reason: "Недостаточно средств",
    createdAt: at("2026-11-19T20:59:59.999Z"),
  });
  await addSms("dayAfter", tenantId, {
    ruleId: ruleOther,
    leadId: 5005,
    phone: "+79990002233",
    recipientRole: "author",
    status: "delivered",
    createdAt: at("2026-11-20T21:00:00.000Z"),
  });
  await addSms("skipped", tenantId, {
    ruleId: null,
    leadId: 5001,
    phone: "+79990003344",
    status: "skipped",
    reason: "Текст длиннее 268 символов",
    createdAt: at("2026-11-20T10:00:00Z"),
  });
  await addSms("queued", tenantId, {
    ruleId: ruleVip,
    leadId: 5006,
    phone: "+79990004455",
    createdAt: at("2026-11-20T11:00:00Z"),
  });
  await addSms("foreign", otherTenantId, {
    leadId: 5001,
    phone: "+79995554567",
    text: "Чужое SMS",
    status: "delivered",
    createdAt: at("2026-11-20T12:00:00Z"),
  });
});
afterAll(() => t.drop());

const list = (f: Partial<Parameters<typeof listSmsHistory>[1]> = {}) =>
  listSmsHistory(t.db, { tenantId, amocrmBaseUrl: `${BASE_URL}/`, limit: 50, ...f });
const idsOf = async (f: Parameters<typeof list>[0]) => (await list(f)).items.map((s) => s.id).sort();
const named = (...names: string[]) => names.map((n) => ids[n]!).sort();

describe("SMS log list", () => {
  it("lists the tenant's SMS newest first, masked, with rule, deal link, status and times", async () => {
    const { items, nextCursor } = await list();
    expect(items.map((s) => s.id)).toEqual(
      ["dayAfter", "sentLastMs", "queued", "skipped", "failed", "delivered", "dayBefore"].map((n) => ids[n]),
    );
    expect(nextCursor).toBeNull();
    expect(items.find((s) => s.id === ids.delivered)).toEqual({
      id: ids.delivered,
      createdAt: at("2026-11-19T21:00:00.000Z"),
      sentAt: at("2026-11-19T21:00:01.000Z"),
      deliveredAt: at("2026-11-19T21:00:05.000Z"),
      phone: "+7 916 ***-**-67",
      roles: ["client"],
      rule: { id: ruleVip, name: "VIP-клиенты" },
      leadId: 5001,
      leadUrl: `${BASE_URL}/leads/detail/5001`,
      status: "delivered",
      reason: null,
      text: "Олег, ваш номер +7 916 ***-**-67 подтверждён",
      segments: 1,
      senderName: null,
    });
    expect(items.find((s) => s.id === ids.sentLastMs)?.roles).toEqual(["client", "responsible"]);
    expect(items.find((s) => s.id === ids.failed)).toMatchObject({
      phone: "+7 495 ***-**-00",
      status: "failed",
      reason: "Номер в чёрном списке",
    });
    expect(items.find((s) => s.id === ids.skipped)).toMatchObject({ rule: null, status: "skipped" });
  });

  it("never lets a full number out: not in the recipient, not in the text", async () => {
    // Ids are uuids (hex may run to seven digits), so they are left out of the check.
    const text = JSON.stringify((await list()).items.map(({ id, rule, ...shown }) => shown));
    for (const full of ["79161234567", "9161234567", "916 123-45-67", "79035550011", "74951234500"])
      expect(text).not.toContain(full);
    expect(text).not.toMatch(/\d{7,}/);
  });

  it("filters by status, rule, period and the last digits of the number or the deal id", async () => {
    expect(await idsOf({ status: "failed" })).toEqual(named("failed", "dayBefore"));
    expect(await idsOf({ status: "delivered", ruleId: ruleVip })).toEqual(named("delivered"));
    expect(await idsOf({ ruleId: ruleOther })).toEqual(named("failed", "dayAfter"));
    expect(await idsOf({ from: at("2026-11-19T21:00:00.000Z"), to: at("2026-11-20T20:59:59.999Z") })).toEqual(
      named("delivered", "sentLastMs", "failed", "skipped", "queued"),
    );
    expect(await idsOf({ search: "4567" })).toEqual(named("delivered"));
    expect(await idsOf({ search: "45-67" })).toEqual(named("delivered"));
    expect(await idsOf({ search: "5001" })).toEqual(named("delivered", "skipped"));
    expect(await idsOf({ search: "00" })).toEqual(named("failed"));
    // One digit is no search (it would match a tenth of the log); the filter is ignored.
    expect(await idsOf({ search: "7" })).toHaveLength(7);
    expect(await idsOf({ search: "12345" })).toEqual([]);
    // More than four digits never match the number: a longer suffix would let a member read a masked
    // number digit by digit.
    expect(await idsOf({ search: "34567" })).toEqual([]);
    // The whole number finds it by its keyed fingerprint (any Russian spelling), never by its digits.
    expect(await idsOf({ search: "9161234567" })).toEqual(named("delivered"));
    expect(await idsOf({ search: "+7 916 123-45-67" })).toEqual(named("delivered"));
    expect(await idsOf({ search: "89161234567" })).toEqual(named("delivered"));
    expect(await idsOf({ search: "79161234560" })).toEqual([]);
    // Another tenant's number is not found by its whole number either (the fingerprint is tenant-bound).
    expect(await idsOf({ search: "79995554567" })).toEqual([]);
  });

  it("stores no full number: the number keeps its last four digits, the text its numbers masked", async () => {
    const [row] = await t.db.select().from(smsMessages).where(eq(smsMessages.id, ids.delivered!));
    expect(row!.phone).toBe("+7916***4567");
    expect(row!.text).toBe("Олег, ваш номер +7 916 ***-**-67 подтверждён");
    expect(JSON.stringify(row)).not.toMatch(/9161234567|916 123-45-67/);
    expect(openSmsPhone(row!)).toBe("+79161234567");
    expect(openSmsText(row!)).toBe("Олег, ваш номер +7 916 123-45-67 подтверждён");
  });

  it("pages by cursor through SMS made at the same instant, each exactly once", async () => {
    const same = at("2026-11-10T12:00:00.123Z");
    for (const n of ["tie1", "tie2", "tie3"]) await addSms(n, tenantId, { createdAt: same, status: "sent" });
    const seen: string[] = [];
    let cursor: SmsHistoryCursor | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await list({ limit: 2, cursor });
      seen.push(...res.items.map((s) => s.id));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen).not.toContain(ids.foreign);
  });

  it("gives another tenant only its own SMS, through tRPC from the session's tenant", async () => {
    const foreign = await listSmsHistory(t.db, {
      tenantId: otherTenantId,
      amocrmBaseUrl: "https://vasilek.amocrm.ru",
      limit: 50,
      search: "5001",
    });
    expect(foreign.items.map((s) => s.id)).toEqual([ids.foreign]);
    expect(
      await listSmsHistory(t.db, { tenantId: otherTenantId, amocrmBaseUrl: "x", ruleId: ruleVip, limit: 50 }),
    ).toEqual({ items: [], nextCursor: null });

    const caller = createCaller({
      db: t.db,
      queue: createLocalQueue(t.db),
      session: { userId: ownerId, tenantId },
      requestId: "t",
    });
    const out = await caller.sms.list({ search: "4567" });
    expect(out.items.map((s) => s.id)).toEqual([ids.delivered]);
    expect(JSON.stringify(out)).not.toContain("Чужое");
    expect(JSON.stringify(await caller.sms.list({}))).not.toContain("79995554567");
    const days = await caller.sms.daily({
      status: "delivered",
      from: at("2026-11-19T21:00:00Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(days).toEqual([{ day: "2026-11-20", sent: 1, delivered: 1, failed: 0 }]);
  });
});

describe("SMS per Moscow day", () => {
  it("counts sent (delivered included), delivered and failed per Moscow day, boundaries to the ms", async () => {
    const days = await dailySmsCounts(t.db, {
      tenantId,
      timeZone: "Europe/Moscow",
      from: at("2026-11-18T21:00:00.000Z"),
      to: at("2026-11-21T20:59:59.999Z"),
    });
    expect(days).toEqual([
      { day: "2026-11-19", sent: 0, delivered: 0, failed: 1 },
      { day: "2026-11-20", sent: 2, delivered: 1, failed: 1 },
      { day: "2026-11-21", sent: 1, delivered: 1, failed: 0 },
    ]);
    const ofRule = await dailySmsCounts(t.db, {
      tenantId,
      timeZone: "Europe/Moscow",
      ruleId: ruleOther,
      from: at("2026-11-19T21:00:00.000Z"),
      to: at("2026-11-21T20:59:59.999Z"),
    });
    expect(ofRule).toEqual([
      { day: "2026-11-20", sent: 0, delivered: 0, failed: 1 },
      { day: "2026-11-21", sent: 1, delivered: 1, failed: 0 },
    ]);
  });

  it("does not count another tenant's SMS", async () => {
    const days = await dailySmsCounts(t.db, {
      tenantId: otherTenantId,
      timeZone: "Europe/Moscow",
      from: at("2026-11-19T21:00:00.000Z"),
      to: at("2026-11-20T20:59:59.999Z"),
    });
    expect(days).toEqual([{ day: "2026-11-20", sent: 1, delivered: 1, failed: 0 }]);
  });
});

describe("SMS log, rows from before sealing", () => {
  it("still lists and finds a row stored before sealing (its number whole in `phone`)", async () => {
    await addSms(
      "legacy",
      tenantId,
      { phone: "+79031112298", createdAt: at("2026-11-01T10:00:00Z") },
      { sealed: false },
    );
    expect(await idsOf({ search: "2298" })).toEqual(named("legacy"));
    const legacy = (await list()).items.find((s) => s.id === ids.legacy);
    expect(legacy!.phone).toBe("+7 903 ***-**-98");
  });
});
