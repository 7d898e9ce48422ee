import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, webhookInbox, webhookRejectionWindows } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { defineJob } from "@/server/jobs/define";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { clientAddress } from "./client-address";
import { receiveWebhook, type WebhookSpec } from "./intake";
import {
  ADDRESS_ROWS_PER_MINUTE,
  addressScope,
  OTHER_SENDERS,
  SENDERS_PER_MINUTE,
  SOURCE_ROWS_PER_MINUTE,
  sourceScope,
} from "./rejections";
import { hmacSha256Hex, safeEqual } from "./verify";

const SECRET = "webhook-secret";
const job = defineJob({
  id: "test.rejections.process",
  title: "process",
  payload: z.object({ inboxId: z.uuid() }),
  handler: async () => ({ status: "done" }),
});
const spec: WebhookSpec<{ id: string }, { inboxId: string }> = {
  provider: "test",
  kind: "thing",
  verify: (raw, headers) => safeEqual(headers.get("x-signature") ?? "", hmacSha256Hex(SECRET, raw)),
  decode: (raw) => JSON.parse(raw),
  schema: z.object({ id: z.string() }),
  eventKey: (e) => e.id,
  job,
  toJobPayload: (_e, inboxId) => ({ inboxId }),
};

// One fixed minute: the budget is per minute, and a test must not straddle two.
const MINUTE = new Date("2026-12-03T07:00:10Z");

let t: TestDb;
let a: { id: string };
let b: { id: string };
beforeAll(async () => {
  t = await createTestDb();
  a = await createTenant(t.db, {
    amocrmAccountId: 71,
    amocrmSubdomain: "a",
    amocrmBaseUrl: "http://a",
    name: "A",
  });
  b = await createTenant(t.db, {
    amocrmAccountId: 72,
    amocrmSubdomain: "b",
    amocrmBaseUrl: "http://b",
    name: "B",
  });
});
afterAll(() => t.drop());

const deps = () => ({ db: t.db, queue: createLocalQueue(t.db), now: () => MINUTE });
const forged = (from: string) =>
  new Request("http://localhost/api/test", {
    method: "POST",
    body: '{"id":"x"}',
    headers: { "x-signature": "forged", "x-forwarded-for": `10.0.0.1, ${from}` },
  });

/** `count` forged requests from `from`, 50 at a time (as several instances would take them). */
async function flood(tenant: { id: string } | null, from: string | ((i: number) => string), count: number) {
  const statuses = new Map<number, number>();
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => {
      const address = typeof from === "string" ? from : from(start + i);
      return receiveWebhook(forged(address), tenant, spec, deps());
    });
    for (const res of await Promise.all(batch)) {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(await res.json()).toEqual({
        error: res.status === 404 ? "unknown webhook address" : "invalid signature",
      });
    }
  }
  return statuses;
}

const rejectedRows = async (tenantId: string) =>
  (
    await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookInbox)
      .where(and(eq(webhookInbox.tenantId, tenantId), eq(webhookInbox.status, "rejected")))
  )[0]!.n;
const windowOf = async (scope: string) =>
  (await t.db.select().from(webhookRejectionWindows).where(eq(webhookRejectionWindows.scope, scope)))[0];

describe("rejected webhooks are recorded at a bounded rate per source", () => {
  it("keeps 10 rows of 3,000 rejections from one sender, counts the rest, and still records another sender", async () => {
    const statuses = await flood(a, "203.0.113.7", 3000);
    expect(statuses).toEqual(new Map([[401, 3000]]));

    expect(await rejectedRows(a.id)).toBe(SOURCE_ROWS_PER_MINUTE);
    const journal = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(activityLog)
      .where(and(eq(activityLog.tenantId, a.id), eq(activityLog.status, "rejected")));
    expect(journal[0]!.n).toBe(SOURCE_ROWS_PER_MINUTE);
    const sender = await windowOf(sourceScope({ tenantId: a.id, provider: "test", address: "203.0.113.7" }));
    expect(sender).toMatchObject({
      recorded: SOURCE_ROWS_PER_MINUTE,
      suppressed: 3000 - SOURCE_ROWS_PER_MINUTE,
      tenantId: a.id,
      source: "203.0.113.7",
      lastReason: "invalid signature",
    });
    expect(sender!.windowStart.toISOString()).toBe("2026-12-03T07:00:00.000Z");
    expect(await windowOf(addressScope({ tenantId: a.id, provider: "test" }))).toMatchObject({
      recorded: SOURCE_ROWS_PER_MINUTE,
      suppressed: 3000 - SOURCE_ROWS_PER_MINUTE,
    });

    // Another sender at the same address, and the same sender at another tenant's address, are recorded.
    await flood(a, "198.51.100.9", 3);
    expect(await rejectedRows(a.id)).toBe(SOURCE_ROWS_PER_MINUTE + 3);
    await flood(b, "203.0.113.7", 2);
    expect(await rejectedRows(b.id)).toBe(2);

    // The next minute opens a new budget.
    const later = { db: t.db, queue: createLocalQueue(t.db), now: () => new Date(MINUTE.getTime() + 60_000) };
    expect((await receiveWebhook(forged("203.0.113.7"), a, spec, later)).status).toBe(401);
    expect(await rejectedRows(a.id)).toBe(SOURCE_ROWS_PER_MINUTE + 4);
  });

  it("bounds an address flooded with a new client address per request, and unknown keys alike", async () => {
    const statuses = await flood(b, (i) => `192.0.2.${i % 250}`.replace(/$/, `:${i}`), 1000);
    expect(statuses).toEqual(new Map([[401, 1000]]));
    // Tenant B already had 2 rows this minute (previous test): the address's budget holds them too.
    expect(await rejectedRows(b.id)).toBe(ADDRESS_ROWS_PER_MINUTE);
    const address = await windowOf(addressScope({ tenantId: b.id, provider: "test" }));
    expect(address!.recorded + address!.suppressed).toBe(1002);
    expect(address!.recorded).toBe(ADDRESS_ROWS_PER_MINUTE);
    // Counters too are bounded: at most SENDERS_PER_MINUTE senders have their own, later ones share `other`
    // (two first requests of one sender racing may both take a place: at most fewer own counters, never more).
    const rows = await t.db
      .select()
      .from(webhookRejectionWindows)
      .where(and(eq(webhookRejectionWindows.tenantId, b.id), eq(webhookRejectionWindows.provider, "test")));
    const own = rows.filter((r) => r.scope.startsWith("source:") && r.source !== OTHER_SENDERS);
    expect(own.length).toBeLessThanOrEqual(SENDERS_PER_MINUTE);
    expect(own.length).toBeGreaterThan(SENDERS_PER_MINUTE - 5);
    expect(rows).toHaveLength(own.length + 3);
    const others = rows.find((r) => r.source === OTHER_SENDERS)!;
    // Every request is counted once: 1,000 new senders = one each on their own counter + the `other` counter.
    expect(others.recorded + others.suppressed + (own.length - 1)).toBe(1000);

    const unknown = await flood(null, "203.0.113.50", 1000);
    expect(unknown).toEqual(new Map([[404, 1000]]));
    const unknownRows = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookInbox)
      .where(and(isNull(webhookInbox.tenantId), eq(webhookInbox.status, "rejected")));
    expect(unknownRows[0]!.n).toBe(SOURCE_ROWS_PER_MINUTE);
    expect(
      await windowOf(sourceScope({ tenantId: null, provider: "test", address: "203.0.113.50" })),
    ).toMatchObject({ recorded: SOURCE_ROWS_PER_MINUTE, suppressed: 1000 - SOURCE_ROWS_PER_MINUTE });
  });

  it("takes the client address from the hop our load balancer appends, and nothing that is not one", () => {
    const h = (init: Record<string, string>) => new Headers(init);
    expect(clientAddress(h({ "x-forwarded-for": "1.2.3.4, 203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientAddress(h({ "x-real-ip": "2001:DB8::1" }))).toBe("2001:db8::1");
    expect(clientAddress(h({ "x-forwarded-for": "<script>" }))).toBe("unknown");
    expect(clientAddress(h({}))).toBe("unknown");
  });
});
