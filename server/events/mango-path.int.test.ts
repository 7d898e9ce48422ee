import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns, webhookInbox } from "@/db/schema";
import { sign } from "@/server/mango/sign";
import { putSecret } from "@/server/secrets/store";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { serveMangoIntake } from "@/test/mango-intake-bridge";

/**
 * Issue 15, "webhook paths", below Next: our MANGO intake over HTTP takes `events/summary/` (a trailing
 * slash, as an owner may type the address into MANGO) as `events/summary`. Next's own 308 for such a path is
 * switched off in next.config.ts and checked through the built app in e2e/mango-webhook-path.e2e.test.ts.
 */
const KEY = "path-vpbx-key";
const SALT = "path-vpbx-salt";

let t: TestDb;
let bridge: Awaited<ReturnType<typeof serveMangoIntake>>;
let webhookKey: string;
beforeAll(async () => {
  t = await createTestDb();
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 82,
    amocrmSubdomain: "p",
    amocrmBaseUrl: "http://p",
    name: "P",
  });
  webhookKey = tenant.webhookKey;
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_key", value: KEY });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_salt", value: SALT });
  bridge = await serveMangoIntake(t.db);
});
afterAll(async () => {
  await bridge?.close();
  await t?.drop();
});

const summary = (entry: string) =>
  JSON.stringify({
    entry_id: entry,
    call_direction: 1,
    from: { number: "79991234567" },
    to: { extension: "101", number: "74951110001" },
    create_time: 1_764_000_000,
    end_time: 1_764_000_060,
    talk_time: 0,
  });

async function post(path: string, entry: string) {
  const json = summary(entry);
  const res = await fetch(`${bridge.url}/api/mango/${webhookKey}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ vpbx_api_key: KEY, sign: sign(KEY, json, SALT), json }).toString(),
    redirect: "manual",
  });
  return { status: res.status, body: (await res.json()) as { status: string; id: string } };
}

describe("a MANGO event path with a trailing slash", () => {
  it("is the same event kind, stored and enqueued like the path without it", async () => {
    const plain = await post("events/summary", "path-entry-a");
    const slashed = await post("events/summary/", "path-entry-b");
    expect([plain.status, plain.body.status]).toEqual([200, "accepted"]);
    expect([slashed.status, slashed.body.status]).toEqual([200, "accepted"]);
    const [a] = await t.db.select().from(webhookInbox).where(eq(webhookInbox.id, plain.body.id));
    const [b] = await t.db.select().from(webhookInbox).where(eq(webhookInbox.id, slashed.body.id));
    expect(a).toMatchObject({ kind: "events/summary", status: "accepted", eventKey: "summary:path-entry-a" });
    expect(b).toMatchObject({ kind: "events/summary", status: "accepted", eventKey: "summary:path-entry-b" });
    const runsOf = (id: string) =>
      t.db
        .select()
        .from(jobRuns)
        .where(eq(jobRuns.idempotencyKey, `inbox:${id}`));
    const [runA] = await runsOf(plain.body.id);
    const [runB] = await runsOf(slashed.body.id);
    expect(runB).toMatchObject({ jobId: runA!.jobId, status: runA!.status });
    expect((runB!.payload as { kind: string }).kind).toBe("events/summary");

    // The other form of the address is the same event: a duplicate, nothing stored again.
    const again = await post("events/summary/", "path-entry-a");
    expect(again.body).toEqual({ status: "duplicate", id: plain.body.id });
  });
});
