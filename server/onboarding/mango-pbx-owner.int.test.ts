// Issue 11 §3 "One PBX, one company": a MANGO key another tenant holds is refused, the holder keeps its
// events, the holder may disconnect, and of tenants racing for one PBX exactly one wins.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mangoConnections, mangoEmployees, tenantSecrets, webhookInbox } from "@/db/schema";
import { startMangoEmulator } from "@/emulators/mango/server";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import type { serveHandler } from "@/test/http-bridge";
import { serveMangoIntake } from "@/test/mango-intake-bridge";
import { connectMango, getMangoConnection, MANGO_KEY_IN_USE_MESSAGE } from "./mango-connect";
import { disconnectMango } from "./mango-disconnect";

const KEY = "demo-vpbx-key";
const SALT = "demo-vpbx-salt";

let t: TestDb;
let mango: Awaited<ReturnType<typeof startMangoEmulator>>;
let bridge: Awaited<ReturnType<typeof serveHandler>>;

beforeAll(async () => {
  t = await createTestDb();
  mango = await startMangoEmulator({ port: 0 });
  bridge = await serveMangoIntake(t.db);
});
afterAll(async () => {
  await bridge.close();
  await mango.close();
  await t.drop();
});

let n = 100;
const newTenant = () => {
  n += 1;
  return createTenant(t.db, {
    amocrmAccountId: n,
    amocrmSubdomain: `pbx${n}`,
    amocrmBaseUrl: "http://a",
    name: `Компания ${n}`,
  });
};
const connect = (tenantId: string, apiKey = KEY, api = mango.url) =>
  connectMango(t.db, { tenantId, actorUserId: null, apiKey, salt: SALT }, { baseUrl: `${api}/vpbx` });

/** MANGO posting a correctly signed `events/call` to a tenant's events address. */
async function postSignedCall(webhookKey: string, entryId: string) {
  const json = JSON.stringify({
    entry_id: entryId,
    call_id: `${entryId}-c`,
    timestamp: 1_780_000_000,
    seq: 1,
    call_state: "Appeared",
    location: "ivr",
    from: { number: "79991234567" },
    to: { number: "74951234567" },
  });
  const sign = createHash("sha256").update(`${KEY}${json}${SALT}`).digest("hex");
  return fetch(`${bridge.url}/api/mango/${webhookKey}/events/call`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ vpbx_api_key: KEY, sign, json }).toString(),
  });
}

const rowsOf = async (tenantId: string) => ({
  secrets: await t.db.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, tenantId)),
  connection: await getMangoConnection(t.db, { tenantId }),
  employees: await t.db.select().from(mangoEmployees).where(eq(mangoEmployees.tenantId, tenantId)),
  audit: await t.db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId)),
});

describe("one PBX, one company", () => {
  it("refuses a second company the same key with the Russian message; the first keeps its events", async () => {
    const first = await newTenant();
    const second = await newTenant();
    expect(await connect(first.id)).toMatchObject({ ok: true });

    // The same key, spelled with spaces and in capitals, is the same PBX.
    const refused = await connect(second.id, `  ${KEY.toUpperCase()} `.toLowerCase());
    expect(refused).toEqual({ ok: false, reason: "in_use", message: MANGO_KEY_IN_USE_MESSAGE });
    expect(MANGO_KEY_IN_USE_MESSAGE).toMatch(
      /^Эта АТС MANGO OFFICE уже подключена к другой компании в Amango/,
    );
    expect(await rowsOf(second.id)).toEqual({ secrets: [], connection: null, employees: [], audit: [] });

    const res = await postSignedCall(first.webhookKey, "owner-keeps-events");
    expect(res.status).toBe(200);
    const inbox = await t.db.select().from(webhookInbox).where(eq(webhookInbox.tenantId, first.id));
    expect(inbox.map((r) => r.status)).toEqual(["accepted"]);
  });

  it("stores a keyed fingerprint, never the key or its plain hash", async () => {
    const [row] = await t.db.select().from(mangoConnections);
    const fp = row!.keyFingerprint!;
    expect(fp).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const plain of [KEY, createHash("sha256").update(KEY).digest("hex")])
      expect(JSON.stringify(row)).not.toContain(plain);
    expect(fp).not.toBe(createHash("sha256").update(KEY).digest("base64url"));
  });

  it("lets the same company reconnect its own key", async () => {
    const [row] = await t.db.select().from(mangoConnections);
    expect(await connect(row!.tenantId)).toMatchObject({ ok: true });
  });

  it("after the owner disconnects (key wiped, audited, events refused) the second company can connect", async () => {
    const [row] = await t.db.select().from(mangoConnections);
    const holder = row!.tenantId;
    const { tenants } = await import("@/db/schema");
    const [holderTenant] = await t.db.select().from(tenants).where(eq(tenants.id, holder));
    expect(await disconnectMango(t.db, { tenantId: holder, actorUserId: null })).toBe(true);
    const after = await rowsOf(holder);
    expect(after.secrets).toEqual([]);
    expect(after.connection).toBeNull();
    expect(after.audit.map((a) => a.action)).toContain("mango.disconnect");
    expect(after.audit.find((a) => a.action === "mango.disconnect")!.before).toEqual({
      keyHint: "demo…-key",
    });
    expect((await postSignedCall(holderTenant!.webhookKey, "after-disconnect")).status).toBe(401);
    expect(await disconnectMango(t.db, { tenantId: holder, actorUserId: null })).toBe(false);

    const next = await newTenant();
    expect(await connect(next.id)).toMatchObject({ ok: true });
    const [conn] = await t.db
      .select()
      .from(mangoConnections)
      .where(and(eq(mangoConnections.tenantId, next.id), eq(mangoConnections.status, "connected")));
    expect(conn!.keyFingerprint).toBe(row!.keyFingerprint);
    await disconnectMango(t.db, { tenantId: next.id, actorUserId: null });
  });

  it("of companies connecting one PBX at the same moment exactly one wins; the others get the message", async () => {
    const racers = await Promise.all([newTenant(), newTenant(), newTenant(), newTenant()]);
    // MANGO answers one /config/users/request per PBX every 2 s; one emulator per racer lets all four
    // verifications pass at once, so the race is decided where it matters: saving the connection.
    const apis = await Promise.all(racers.map(() => startMangoEmulator({ port: 0 })));
    const results = await Promise.all(racers.map((r, i) => connect(r.id, KEY, apis[i]!.url)));
    await Promise.all(apis.map((a) => a.close()));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(
      Array(3).fill({ ok: false, reason: "in_use", message: MANGO_KEY_IN_USE_MESSAGE }),
    );
    const holders = await t.db.select().from(mangoConnections);
    expect(holders).toHaveLength(1);
    const losers = racers.filter((r) => r.id !== holders[0]!.tenantId);
    for (const l of losers) expect((await rowsOf(l.id)).secrets).toEqual([]);
    // The unique index itself refuses a second holder, whatever code path writes it.
    await expect(
      t.db.insert(mangoConnections).values({
        tenantId: losers[0]!.id,
        status: "connected",
        keyHint: "x",
        keyFingerprint: holders[0]!.keyFingerprint,
      }),
    ).rejects.toMatchObject({ cause: { code: "23505" } });
  });
});
