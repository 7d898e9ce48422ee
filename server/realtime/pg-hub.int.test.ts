import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb, rowsOf } from "@/db/client";
import { buildKeyring } from "@/server/crypto/envelope";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import type { ChannelKey } from "./hub";
import { createPgHub, type PgHub, REALTIME_CHANNEL } from "./pg-hub";
import { sseResponse } from "./sse";

/**
 * Issue 16, "the live call card reaches the user whichever instance got the event": two hubs on one
 * PostgreSQL, each with its own pool and listener connection, stand for two app instances.
 */
type Card = { entryId: string; phone: string };

let t: TestDb;
let poolB: DbHandle;
let a: PgHub<Card>;
let b: PgHub<Card>;
let X: string;
let Y: string;
const keyring = () => buildKeyring("k1", randomBytes(32).toString("base64"));
const ring = keyring();

function instance(db: DbHandle["db"], id: string) {
  return createPgHub<Card>({
    db,
    connectionString: t.url,
    topic: "call-cards",
    instanceId: id,
    keyring: () => ring,
  });
}

beforeAll(async () => {
  t = await createTestDb();
  poolB = await openDb({ databaseUrl: t.url, max: 4 });
  const tenant = (n: number) =>
    createTenant(t.db, {
      amocrmAccountId: 9000 + n,
      amocrmSubdomain: `fanout${n}`,
      amocrmBaseUrl: `https://fanout${n}.amocrm.ru`,
      name: `Fan-out ${n}`,
    });
  X = (await tenant(1)).id;
  Y = (await tenant(2)).id;
  a = instance(t.db, "A");
  b = instance(poolB.db, "B");
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await poolB?.close();
  await t?.drop();
});

/** Collects what a channel receives; `next(n)` waits until n messages arrived. */
function collect(hub: PgHub<Card>, key: ChannelKey) {
  const got: Card[] = [];
  const waiters: (() => void)[] = [];
  const off = hub.subscribe(key, (m) => {
    got.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (n: number) => {
    while (got.length < n) await new Promise<void>((r) => waiters.push(r));
    return got;
  };
  return { got, next, off };
}

describe("the call card across instances (PostgreSQL LISTEN/NOTIFY)", () => {
  it("a card published on instance A reaches an SSE stream on instance B, announced by ids only", async () => {
    const key = { tenantId: X, amoUserId: 8238874 };
    const abort = new AbortController();
    const res = sseResponse((sink) => b.subscribe(key, (card) => sink.send("card", card)), {
      signal: abort.signal,
    });
    await b.ready();
    expect(await a.watched(key)).toBe(true);
    expect(await a.watched({ tenantId: X, amoUserId: 1 })).toBe(false);

    const spy = new pg.Client({ connectionString: t.url });
    await spy.connect();
    const payloads: string[] = [];
    spy.on("notification", (n) => payloads.push(n.payload ?? ""));
    await spy.query(`LISTEN ${REALTIME_CHANNEL}`);

    // Nobody on A watches: A delivers to no tab of its own, the card goes over PostgreSQL.
    expect(a.publish(key, { entryId: "e-1", phone: "+79991234567" })).toBe(0);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("event: card")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('data: {"entryId":"e-1","phone":"+79991234567"}');
    abort.abort();

    while (payloads.length === 0) await new Promise((r) => setTimeout(r, 10));
    await spy.end();
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(payloads[0]!)).toMatchObject({ t: X, u: 8238874, o: "A", p: "call-cards" });
    expect(payloads[0]).not.toContain("7999123");
    // The stored message is sealed: no phone at rest either.
    const stored = rowsOf<Record<string, unknown>>(await t.db.execute(sql`select * from realtime_messages`));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain("7999123");
  });

  it("a subscriber of tenant X never receives tenant Y's card, even when a notification names X", async () => {
    const user = 32321;
    const onX = collect(b, { tenantId: X, amoUserId: user });
    const onY = collect(b, { tenantId: Y, amoUserId: user });
    await b.ready();
    a.publish({ tenantId: Y, amoUserId: user }, { entryId: "y-1", phone: "+70000000002" });
    await onY.next(1);
    // A forged notification: Y's message id announced for tenant X (as if someone NOTIFYed by hand).
    const [yRow] = rowsOf<{ id: string }>(
      await t.db.execute(
        sql`select id from realtime_messages where tenant_id = ${Y} order by id desc limit 1`,
      ),
    );
    await t.db.execute(
      sql`select pg_notify(${REALTIME_CHANNEL}, ${JSON.stringify({ id: Number(yRow!.id), t: X, u: user, o: "forged", p: "call-cards" })})`,
    );
    // Deliveries are in order: once X's own card arrived, anything announced before it was handled.
    a.publish({ tenantId: X, amoUserId: user }, { entryId: "x-1", phone: "+70000000001" });
    await onX.next(1);
    await b.ready();
    expect(onX.got).toEqual([{ entryId: "x-1", phone: "+70000000001" }]);
    expect(onY.got).toEqual([{ entryId: "y-1", phone: "+70000000002" }]);
    onX.off();
    onY.off();
    await b.ready();
    expect(await a.watched({ tenantId: X, amoUserId: user })).toBe(false);
  });

  it("a listener whose connection was terminated reconnects, and gets what was published meanwhile", async () => {
    const key = { tenantId: X, amoUserId: 504141 };
    const cards = collect(b, key);
    await b.ready();
    const pid = b.listenerPid();
    expect(pid).not.toBeNull();
    await t.db.execute(sql`select pg_terminate_backend(${pid}::int)`);
    // Published right after the kill: B may still be reconnecting; it replays what it missed.
    a.publish(key, { entryId: "during", phone: "+70000000003" });
    await cards.next(1);
    while (b.listenerPid() === null || b.listenerPid() === pid) await new Promise((r) => setTimeout(r, 20));
    a.publish(key, { entryId: "after", phone: "+70000000004" });
    await cards.next(2);
    expect(cards.got.map((c) => c.entryId)).toEqual(["during", "after"]);
    const listeners = rowsOf<{ pid: number }>(
      await t.db.execute(
        sql`select pid from pg_stat_activity where application_name = 'amango-realtime' and datname = current_database()`,
      ),
    );
    // One listener connection per instance that has streams (B here), the dead one gone.
    expect(listeners.map((l) => l.pid)).toEqual([b.listenerPid()]);
    cards.off();
  });

  it("the cards of one call arrive in the order they were published", async () => {
    const key = { tenantId: Y, amoUserId: 777 };
    const cards = collect(b, key);
    await b.ready();
    const states = ["ringing", "answered", "ended", "ended+client"];
    for (const s of states) a.publish(key, { entryId: s, phone: "+70000000005" });
    await cards.next(states.length);
    expect(cards.got.map((c) => c.entryId)).toEqual(states);
    cards.off();
  });
});
