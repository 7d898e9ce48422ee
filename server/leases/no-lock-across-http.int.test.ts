import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { leases, tenants } from "@/db/schema";
import { createAmocrmClient } from "@/server/amocrm";
import { resolveCallClient } from "@/server/calls/write/contacts";
import { type AmocrmTokens, getFreshAccessToken, saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { CC_CONTACT_FIELDS, ensureCcContactFields } from "@/server/onboarding/cc-fields";
import { createTenant } from "@/server/tenancy/queries";
import { connect, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { heldByDatabase, httpGate } from "@/test/held-connections";
import { LeaseBusyError, withLease } from "./lease";

// Issue 16: no transaction or advisory lock is held across a call to amoCRM, so a slow amoCRM never pins
// pooled connections. Every amoCRM request is held at a gate (amoCRM "hangs") while the work runs on a pool
// of two connections: nothing may sit in a transaction or hold an advisory lock, and a portal query still
// gets a connection. The leases that replace the locks keep the work once-only.

let t: TestDb;
let small: DbHandle;
let emu: Awaited<ReturnType<typeof startEmulator>>;
let amo: { baseUrl: string; accessToken: string };
let tenantId: string;
beforeAll(async () => {
  t = await createTestDb();
  small = await openDb({ databaseUrl: t.url, max: 2 });
  emu = await startEmulator();
  const { baseUrl, pair } = await connect(emu, "demo");
  amo = { baseUrl, accessToken: pair.accessToken };
  tenantId = (
    await createTenant(t.db, {
      amocrmAccountId: 7,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: baseUrl,
      name: "D",
    })
  ).id;
});
afterAll(async () => {
  await small?.close();
  await emu?.close();
  await t?.drop();
});

const clientThrough = (gate: ReturnType<typeof httpGate>) => () =>
  createAmocrmClient({
    baseUrl: amo.baseUrl,
    getAccessToken: async () => amo.accessToken,
    fetch: gate.fetch,
    rateLimiter: null,
  });

/** What the portal does meanwhile: one short query on the same pool. */
const portalQuery = async () =>
  (await small.db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId)))[0]?.name;

describe("no transaction or lock across an amoCRM call", () => {
  it("contact find-or-create: three numbers at once on a pool of two, one contact per number however many calls race", async () => {
    const gate = httpGate();
    const clientFor = clientThrough(gate);
    const numbers = ["+79990001101", "+79990001102", "+79990001103"];
    // Four calls from the first number, one from each of the others.
    const callers = [numbers[0]!, numbers[0]!, numbers[0]!, numbers[0]!, numbers[1]!, numbers[2]!];
    const resolved = Promise.all(
      callers.map((phone) =>
        resolveCallClient(small.db, {
          tenantId,
          phone,
          responsibleUserId: 8238874, // a user of the demo account: amoCRM refuses an unknown one
          contactName: `Новый клиент ${phone.slice(-4)}`,
          decide: () => ({ kind: "contact" }),
          clientFor,
        }),
      ),
    );
    // One search per number reaches amoCRM (the other callers of the first number wait for its lease).
    await expect.poll(() => gate.waiting(), { timeout: 10_000 }).toBe(3);
    expect(await heldByDatabase(t.name)).toEqual({ inTransaction: 0, advisoryLocks: 0 });
    expect(await portalQuery()).toBe("D");
    gate.open();
    const clients = await resolved;

    const first = clients.slice(0, 4);
    expect(first.filter((c) => c.createdContact)).toHaveLength(1);
    expect(new Set(first.map((c) => c.contactId)).size).toBe(1);
    const check = clientFor();
    for (const phone of numbers) expect(await check.findContactsByPhone(phone), phone).toHaveLength(1);
    expect(await t.db.select().from(leases)).toEqual([]); // every lease given back
  });

  it("ЦОВ fields: two concurrent ensures hold nothing while amoCRM answers, and create each field once", async () => {
    const gate = httpGate();
    const clientFor = clientThrough(gate);
    const both = Promise.all([
      ensureCcContactFields(small.db, { tenantId, clientFor }),
      ensureCcContactFields(small.db, { tenantId, clientFor }),
    ]);
    await expect.poll(() => gate.waiting(), { timeout: 10_000 }).toBe(1);
    expect(await heldByDatabase(t.name)).toEqual({ inTransaction: 0, advisoryLocks: 0 });
    expect(await portalQuery()).toBe("D");
    gate.open();
    const [a, b] = await both;
    expect([...a.created, ...b.created].sort()).toEqual(["campaignId", "campaignName", "clientId"]);
    const fields = await clientFor().listCustomFields("contacts");
    for (const name of Object.values(CC_CONTACT_FIELDS))
      expect(
        fields.filter((f) => f.name === name),
        name,
      ).toHaveLength(1);
  });

  it("token refresh: concurrent callers hold nothing while amoCRM's token endpoint answers, and refresh once", async () => {
    const now = Date.now();
    await saveAmocrmTokens(t.db, {
      tenantId,
      tokens: { accessToken: "old", refreshToken: "refresh-0", expiresAt: now - 1000 },
    });
    const gate = httpGate();
    let refreshes = 0;
    const refresh = (refreshToken: string) =>
      gate.hold(async (): Promise<AmocrmTokens> => {
        refreshes++;
        expect(refreshToken).toBe("refresh-0");
        return { accessToken: "new", refreshToken: "refresh-1", expiresAt: now + 86_400_000 };
      });
    const tokens = Promise.all(
      Array.from({ length: 5 }, () => getFreshAccessToken(small.db, { tenantId, refresh, now: () => now })),
    );
    await expect.poll(() => gate.waiting(), { timeout: 10_000 }).toBe(1);
    expect(await heldByDatabase(t.name)).toEqual({ inTransaction: 0, advisoryLocks: 0 });
    expect(await portalQuery()).toBe("D");
    gate.open();
    expect(new Set(await tokens)).toEqual(new Set(["new"]));
    expect(refreshes).toBe(1);
  });
});

describe("leases", () => {
  it("a dead holder's lease is free once it lapses; a live one makes others wait, then give up", async () => {
    // A holder that died: its row stays, already past its expiry.
    await t.db
      .insert(leases)
      .values({ key: "test:dead", holder: "gone", expiresAt: new Date(Date.now() - 1000) });
    expect(await withLease(t.db, "test:dead", async () => "taken over")).toBe("taken over");

    const order: string[] = [];
    let release!: () => void;
    const held = withLease(t.db, "test:busy", async () => {
      order.push("first in");
      await new Promise<void>((r) => (release = r));
      order.push("first out");
    });
    await expect.poll(() => order.length, { timeout: 10_000 }).toBe(1);
    await expect(withLease(t.db, "test:busy", async () => "never", { waitMs: 50 })).rejects.toThrow(
      LeaseBusyError,
    );
    const second = withLease(t.db, "test:busy", async () => order.push("second"));
    release();
    await Promise.all([held, second]);
    expect(order).toEqual(["first in", "first out", "second"]);
  });
});
