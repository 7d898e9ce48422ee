// Issue 11 §6 "Dates in the account's time": a call and an SMS at 23:30 Moscow (03:30 of the next day in
// Novosibirsk) land on the next day in a Novosibirsk tenant's charts, period filters and shown times, and
// on their own day for a Moscow tenant — through the same tRPC procedures the portal calls.
import { eq } from "drizzle-orm";
import { createFormatter } from "next-intl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATE_TIME } from "@/components/data-view/account-time";
import { accountDate, rangeOf } from "@/components/data-view/period";
import { calls, smsMessages, tenants } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { dayEnd, dayStart } from "@/lib/account-time";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { createCaller } from "@/server/trpc/router";
import { createTestDb, type TestDb } from "@/test/db";

const MSK = "Europe/Moscow";
const NSK = "Asia/Novosibirsk";
/** 23:30 on 2026-11-20 in Moscow = 03:30 on 2026-11-21 in Novosibirsk. */
const LATE_MOSCOW = new Date("2026-11-20T20:30:00Z");

let t: TestDb;
const callers: Record<string, ReturnType<typeof createCaller>> = {};

async function tenantOn(n: number, timeZone: string) {
  const tenant = await createTenant(t.db, {
    amocrmAccountId: n,
    amocrmSubdomain: `tz${n}`,
    amocrmBaseUrl: `https://tz${n}.amocrm.ru`,
    name: timeZone,
  });
  await t.db.update(tenants).set({ timeZone }).where(eq(tenants.id, tenant.id));
  const owner = await upsertUser(t.db, { amocrmUserId: 100 + n, name: `Владелец ${n}` });
  await addMembership(t.db, { tenantId: tenant.id, userId: owner.id, role: "owner" });
  await t.db.insert(calls).values({
    tenantId: tenant.id,
    entryId: `late-${n}`,
    stage: "finished",
    direction: "incoming",
    clientPhone: "+79991234567",
    rangExtensions: ["101"],
    startedAt: LATE_MOSCOW,
  });
  await t.db.insert(smsMessages).values({
    tenantId: tenant.id,
    recipientRole: "client",
    phone: "+79160000000",
    text: "Добрый вечер!",
    fromExtension: "100",
    idempotencyKey: `late-${n}`,
    commandId: `late-${n}`,
    status: "delivered",
    createdAt: LATE_MOSCOW,
  });
  callers[timeZone] = createCaller({
    db: t.db,
    queue: createLocalQueue(t.db),
    session: { userId: owner.id, tenantId: tenant.id },
    requestId: "t",
  });
}

beforeAll(async () => {
  t = await createTestDb();
  await tenantOn(1, MSK);
  await tenantOn(2, NSK);
});
afterAll(async () => {
  await t.drop();
});

/** Both days, 2026-11-20 and 2026-11-21, as the account's clock cuts them. */
const twoDays = (tz: string) => ({ from: dayStart("2026-11-20", tz)!, to: dayEnd("2026-11-21", tz)! });
/** What the portal shows for an instant, formatted like the pages do (next-intl, the account's zone). */
const shown = (at: Date, timeZone: string) =>
  createFormatter({ locale: "ru", timeZone }).dateTime(at, DATE_TIME);

describe("a Novosibirsk account sees a 23:30 Moscow call on the next day", () => {
  it("in the calls chart", async () => {
    expect(await callers[NSK]!.calls.daily(twoDays(NSK))).toEqual([
      { day: "2026-11-20", answered: 0, missed: 0, notAnswered: 0 },
      { day: "2026-11-21", answered: 0, missed: 1, notAnswered: 0 },
    ]);
    expect(await callers[MSK]!.calls.daily(twoDays(MSK))).toEqual([
      { day: "2026-11-20", answered: 0, missed: 1, notAnswered: 0 },
      { day: "2026-11-21", answered: 0, missed: 0, notAnswered: 0 },
    ]);
  });

  it("in the SMS chart", async () => {
    expect(await callers[NSK]!.sms.daily(twoDays(NSK))).toEqual([
      { day: "2026-11-20", sent: 0, delivered: 0, failed: 0 },
      { day: "2026-11-21", sent: 1, delivered: 1, failed: 0 },
    ]);
    expect(await callers[MSK]!.sms.daily(twoDays(MSK))).toEqual([
      { day: "2026-11-20", sent: 1, delivered: 1, failed: 0 },
      { day: "2026-11-21", sent: 0, delivered: 0, failed: 0 },
    ]);
  });

  it("in the lists: «Сегодня» and a one-day custom range are the account's day, the time its clock", async () => {
    // 04:00 Moscow / 08:00 Novosibirsk on 2026-11-21: "today" has the call in Novosibirsk, not in Moscow.
    const now = new Date("2026-11-21T01:00:00Z");
    const today = (tz: string) => rangeOf("today", tz, now);
    const nskCalls = await callers[NSK]!.calls.list(today(NSK));
    expect(nskCalls.items).toHaveLength(1);
    expect(shown(nskCalls.items[0]!.at, NSK)).toBe("21.11.2026, 03:30");
    expect((await callers[MSK]!.calls.list(today(MSK))).items).toHaveLength(0);
    const mskCalls = await callers[MSK]!.calls.list({
      from: accountDate("2026-11-20", MSK),
      to: accountDate("2026-11-20", MSK, true),
    });
    expect(shown(mskCalls.items[0]!.at, MSK)).toBe("20.11.2026, 23:30");

    const nov21 = (tz: string) => ({
      from: accountDate("2026-11-21", tz),
      to: accountDate("2026-11-21", tz, true),
    });
    const nskSms = await callers[NSK]!.sms.list(nov21(NSK));
    expect(nskSms.items).toHaveLength(1);
    expect(shown(nskSms.items[0]!.createdAt, NSK)).toBe("21.11.2026, 03:30");
    expect((await callers[MSK]!.sms.list(nov21(MSK))).items).toHaveLength(0);
  });
});
