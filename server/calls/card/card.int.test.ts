// The call card against both emulators: MANGO's events reach our intake over HTTP, the card goes to the
// paired user's channel only, with the contact as amoCRM has it; a new number gets «Новый клиент» and the
// card's buttons create one contact and one deal however often they are pressed.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb } from "@/db/client";
import { tenants } from "@/db/schema";
import { createAmocrmClient } from "@/server/amocrm";
import { readAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_URI } from "@/test/amocrm-emulator";
import { contactsWithPhone, type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";
import { heldByDatabase, httpGate } from "@/test/held-connections";
import { createFromCard } from "./actions";
import { type CallCard, forgetCardClient } from "./card";
import { cardHub } from "./events";
import { handleCardAction, handleCardStream, handleCardTicket } from "./http";

const MAPPED = PAIRS["101"];
const OTHER = PAIRS["102"];
const UNMAPPED = 504141;

let w: LogWorld;
const seen: Record<number, CallCard[]> = { [MAPPED]: [], [OTHER]: [] };
const offs: (() => void)[] = [];

const cfg = () => ({
  integration: {
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUri: DEMO_REDIRECT_URI,
    emulatorBase: w.amo.url,
  },
  authSecret: "card-test-secret-0123456789abcdef0123456789",
  appUrl: "http://localhost:3000",
});

async function ring(scenario: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${w.mango.url}/__control/scenarios`, {
    method: "POST",
    body: JSON.stringify({ type: "incoming", instant: true, ...scenario }),
  });
  const { entry_id } = (await res.json()) as { entry_id: string };
  await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
  return entry_id;
}

async function widgetToken(userId: number): Promise<string> {
  const res = await fetch(`${w.amo.url}/__control/disposable-token`, {
    method: "POST",
    body: JSON.stringify({ subdomain: "demo", user_id: userId, client_id: DEMO_CLIENT_ID }),
  });
  return ((await res.json()) as { token: string }).token;
}

const lastOf = (userId: number, entryId: string) => seen[userId]!.filter((c) => c.entryId === entryId).at(-1);

beforeAll(async () => {
  w = await startLogWorld();
  for (const id of [MAPPED, OTHER])
    offs.push(cardHub().subscribe({ tenantId: w.tenant.id, amoUserId: id }, (c) => seen[id]!.push(c)));
});

afterAll(async () => {
  for (const off of offs) off();
  await w?.close();
});

describe("call card from MANGO's ring to the paired user's channel", () => {
  it("shows the known contact and its open deal to the user whose extension rang, and nobody else", async () => {
    const entryId = await ring({ from: "+79161234567", ring: ["101"], answeredBy: "101", talkSeconds: 20 });
    await vi.waitFor(() => expect(lastOf(MAPPED, entryId)).toMatchObject({ state: "ended", lookup: "done" }));
    const cards = seen[MAPPED]!.filter((c) => c.entryId === entryId);
    expect(cards[0]).toMatchObject({ state: "ringing", phone: "+79161234567", extension: "101" });
    expect(cards.map((c) => c.state)).toContain("answered");
    const card = cards.at(-1)!;
    expect(card.client?.status).toBe("known");
    expect(card.client?.contact).toMatchObject({ id: 3, name: "Иван Иванов" });
    expect(card.client?.contact?.url).toMatch(/\/contacts\/detail\/3$/);
    // The directory is not synced in this world: the name comes from amoCRM's users endpoint.
    expect(card.client?.responsible?.name).not.toMatch(/^#/);
    expect(card.client?.leads.map((l) => l.id)).toContain(167353);
    expect(seen[OTHER]!.filter((c) => c.entryId === entryId)).toEqual([]);
  });

  it("shows the contact after one amoCRM request; its deals and company follow", async () => {
    const phone = "+79161234567";
    forgetCardClient(w.tenant.id, phone); // the first test's lookup is cached for 30 s
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
    // The reads after the contacts search are answered late: a card that waited for them would come after.
    for (const path of ["leads", "companies", "users"])
      await fetch(`${w.amo.url}/__control/faults`, {
        method: "POST",
        body: JSON.stringify({
          kind: "latency",
          latencyMs: 2_000,
          pathPrefix: `/a/demo/api/v4/${path}`,
          remaining: 5,
        }),
      });
    try {
      const entryId = await ring({ from: phone, ring: ["101"] });
      await vi.waitFor(() => expect(lastOf(MAPPED, entryId)?.client?.contact).toMatchObject({ id: 3 }), {
        timeout: 10_000,
        interval: 10,
      });
      const log = (await (await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api/`)).json()) as {
        path: string;
        query: string;
      }[];
      const withContact = seen[MAPPED]!.find((c) => c.entryId === entryId && c.client?.contact)!;
      // Only the search was answered when the card showed the contact (one round trip), and the card said
      // its deals were still on their way.
      expect(log.map((e) => e.path)).toEqual(["/a/demo/api/v4/contacts"]);
      expect(log[0]!.query).toContain("with=leads");
      expect(withContact).toMatchObject({ lookup: "done", client: { status: "known", details: "pending" } });

      await vi.waitFor(() => expect(lastOf(MAPPED, entryId)?.client?.details).toBeUndefined(), {
        timeout: 15_000,
      });
      expect(lastOf(MAPPED, entryId)?.client?.leads.map((l) => l.id)).toContain(167353);
      const after = (await (
        await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api/`)
      ).json()) as unknown[];
      // biome-ignore lint/suspicious/noConsole: the figure this test is for
      console.log(
        `ring → card with contact: ${log.length} amoCRM request(s) answered before it; ${after.length} in all with its deals`,
      );
    } finally {
      await fetch(`${w.amo.url}/__control/faults`, { method: "DELETE" });
    }
  });

  it("says «new client» for an unknown number, and its buttons create one contact and one deal", async () => {
    const phone = "+79990004411";
    const entryId = await ring({ from: phone, ring: ["101"] });
    await vi.waitFor(() => expect(lastOf(MAPPED, entryId)?.lookup).toBe("done"));
    expect(lastOf(MAPPED, entryId)?.client?.status).toBe("new");

    const input = { tenant: w.tenant, amoUserId: MAPPED, entryId };
    const first = await createFromCard(w.t.db, { ...input, action: "contact" });
    const again = await createFromCard(w.t.db, { ...input, action: "contact" });
    expect(first).toMatchObject({ ok: true, created: true });
    expect(again).toMatchObject({ ok: true, created: false });
    if (!first.ok || !again.ok) throw new Error("unreachable");
    expect(again.contactId).toBe(first.contactId);

    const deal = await createFromCard(w.t.db, { ...input, action: "deal" });
    const dealAgain = await createFromCard(w.t.db, { ...input, action: "deal" });
    if (!deal.ok || !dealAgain.ok) throw new Error("unreachable");
    expect(deal).toMatchObject({ created: true, contactId: first.contactId });
    expect(dealAgain.leadId).toBe(deal.leadId);

    const state = await w.amoState();
    expect(contactsWithPhone(state, phone)).toHaveLength(1);
    expect(state.leads.filter((l) => l.contacts.some((c) => c.id === first.contactId))).toHaveLength(1);
    // The card of every tab of the call now shows the contact and the deal.
    expect(lastOf(MAPPED, entryId)?.client?.leads.map((l) => l.id)).toEqual([deal.leadId]);
    // Another user cannot act on a call that never rang for them.
    expect(await createFromCard(w.t.db, { ...input, amoUserId: OTHER, action: "contact" })).toEqual({
      ok: false,
      reason: "call_not_found",
    });
  });
});

describe("card actions while amoCRM is slow", () => {
  it("hold no transaction or lock while amoCRM answers, and three racing clicks create one contact", async () => {
    const phone = "+79990004422";
    const entryId = await ring({ from: phone, ring: ["101"] });
    await vi.waitFor(() => expect(lastOf(MAPPED, entryId)?.lookup).toBe("done"));
    // Three tabs press «Создать контакт» at once, on a pool of two connections; amoCRM holds every request.
    const small = await openDb({ databaseUrl: w.t.url, max: 2 });
    try {
      const gate = httpGate();
      const clientFor = () =>
        createAmocrmClient({
          baseUrl: w.tenant.amocrmBaseUrl,
          getAccessToken: async () =>
            (await readAmocrmTokens(w.t.db, { tenantId: w.tenant.id }))!.accessToken,
          fetch: gate.fetch,
          rateLimiter: null,
        });
      const input = { tenant: w.tenant, amoUserId: MAPPED, entryId, action: "contact" as const };
      const clicks = Promise.all([1, 2, 3].map(() => createFromCard(small.db, input, { clientFor })));
      // Only the lease holder's search reaches amoCRM; the other clicks wait for the number's lease.
      await expect.poll(() => gate.waiting(), { timeout: 10_000 }).toBe(1);
      expect(await heldByDatabase(w.t.name)).toEqual({ inTransaction: 0, advisoryLocks: 0 });
      const [portal] = await small.db
        .select({ id: tenants.id })
        .from(tenants)
        .where(eq(tenants.id, w.tenant.id));
      expect(portal?.id).toBe(w.tenant.id);
      gate.open();
      const results = await clicks;
      const ok = results.filter((r) => r.ok);
      expect(ok).toHaveLength(3);
      expect(ok.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(ok.map((r) => r.contactId)).size).toBe(1);
      expect(contactsWithPhone(await w.amoState(), phone)).toHaveLength(1);
    } finally {
      await small.close();
    }
  });
});

describe("call card with MANGO's events duplicated and out of order", () => {
  it("never moves a card backwards: a late «ringing» after the hangup changes nothing", async () => {
    await w.faults({ duplicateEvents: true, outOfOrder: true });
    try {
      const entryId = await ring({ from: "+79857776655", ring: ["101"], answeredBy: "101", talkSeconds: 10 });
      await vi.waitFor(() =>
        expect(lastOf(MAPPED, entryId)).toMatchObject({ state: "ended", lookup: "done" }),
      );
      const rank = { ringing: 0, answered: 1, ended: 2 };
      const ranks = seen[MAPPED]!.filter((c) => c.entryId === entryId).map((c) => rank[c.state]);
      expect(ranks).toEqual([...ranks].sort());
      expect(lastOf(MAPPED, entryId)?.client?.contact?.name).toBe("Ольга Смирнова");
    } finally {
      await w.faults({ duplicateEvents: false, outOfOrder: false });
    }
  });
});

describe("call card over HTTP (disposable token → ticket → stream)", () => {
  const post = (path: string, token: string | null, body?: string) =>
    new Request(`http://localhost:3000${path}`, {
      method: "POST",
      headers: {
        origin: w.amo.url,
        ...(token ? { "x-auth-token": token } : {}),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: body ?? "",
    });

  it("refuses a forged token (401) and a user with no extension (403)", async () => {
    expect(
      (await handleCardTicket(w.t.db, post("/api/widget/calls/ticket", "e30.e30.x"), cfg())).status,
    ).toBe(401);
    const res = await handleCardTicket(
      w.t.db,
      post("/api/widget/calls/ticket", await widgetToken(UNMAPPED)),
      cfg(),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "not_mapped" });
    const stream = await handleCardStream(
      w.t.db,
      new Request("http://localhost:3000/api/widget/calls/stream?ticket=x"),
      cfg(),
    );
    expect(stream.status).toBe(401);
  });

  it("streams the paired user's card, with CORS for the amoCRM page", async () => {
    const ticketRes = await handleCardTicket(
      w.t.db,
      post("/api/widget/calls/ticket", await widgetToken(MAPPED)),
      cfg(),
    );
    expect(ticketRes.status).toBe(200);
    expect(ticketRes.headers.get("access-control-allow-origin")).toBe(w.amo.url);
    const { stream } = (await ticketRes.json()) as { stream: string };
    const abort = new AbortController();
    const res = await handleCardStream(
      w.t.db,
      new Request(stream, { signal: abort.signal, headers: { origin: w.amo.url } }),
      cfg(),
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil("event: ready");
    const entryId = await ring({ from: "+79031112233", ring: ["101"] });
    await readUntil("Анна Петрова");
    expect(text).toContain(`"entryId":"${entryId}"`);
    abort.abort();

    const action = await handleCardAction(
      w.t.db,
      post(
        "/api/widget/calls/action",
        await widgetToken(MAPPED),
        new URLSearchParams({ entry_id: entryId, action: "contact" }).toString(),
      ),
      cfg(),
    );
    expect(action.status).toBe(200);
    expect(await action.json()).toMatchObject({ ok: true, contactId: 11070881, created: false });
  });
});
