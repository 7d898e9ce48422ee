// Issue 15, "webhook paths": MANGO OFFICE posts to the address the owner typed, and a sender may not follow
// a redirect. Through the built app (`next start`), a POST to `/api/mango/<key>/events/summary/` — with a
// trailing slash — is answered 200 and its event stored and enqueued exactly like one posted without it,
// never with Next's default 308 (next.config.ts `skipTrailingSlashRedirect`). A page asked for with a
// trailing slash is still served.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns, type Tenant, webhookInbox } from "@/db/schema";
import { sign } from "@/server/mango/sign";
import { putSecret } from "@/server/secrets/store";
import { createTenant } from "@/server/tenancy/queries";
import { type AppServer, startAppServer } from "./app-server";

// The MANGO key and salt sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
const KEY = "slash-vpbx-key";
const SALT = "slash-vpbx-salt";

let app: AppServer;
let tenant: Tenant;

beforeAll(async () => {
  app = await startAppServer({
    env: { ENCRYPTION_KEY },
    seed: async (db) => {
      tenant = await createTenant(db, {
        amocrmAccountId: 31_337_015,
        amocrmSubdomain: "slash",
        amocrmBaseUrl: "https://slash.amocrm.ru",
        name: "ООО «Слэш»",
      });
      await putSecret(db, { tenantId: tenant.id, kind: "mango.api_key", value: KEY });
      await putSecret(db, { tenantId: tenant.id, kind: "mango.api_salt", value: SALT });
    },
  });
}, 600_000);
afterAll(async () => {
  await app?.stop();
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

function postSummary(path: string, entry: string) {
  const json = summary(entry);
  return fetch(`${app.url}/api/mango/${tenant.webhookKey}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ vpbx_api_key: KEY, sign: sign(KEY, json, SALT), json }).toString(),
    redirect: "manual",
  });
}

/** The inbox row an answer names, and the job run written with it. */
async function stored(answer: { id: string }) {
  const [row] = await app.db.db.select().from(webhookInbox).where(eq(webhookInbox.id, answer.id));
  const runs = await app.db.db
    .select()
    .from(jobRuns)
    .where(eq(jobRuns.idempotencyKey, `inbox:${answer.id}`));
  return { row, runs };
}

describe("a MANGO event posted to its path with a trailing slash", () => {
  it("is answered 200, not 308, and stored and enqueued exactly like one without the slash", async () => {
    const plain = await postSummary("events/summary", "slash-entry-a");
    const slashed = await postSummary("events/summary/", "slash-entry-b");
    expect(plain.status).toBe(200);
    expect(slashed.status).toBe(200);
    expect(slashed.headers.get("location")).toBeNull();
    const plainAnswer = (await plain.json()) as { status: string; id: string };
    const slashedAnswer = (await slashed.json()) as { status: string; id: string };
    expect(plainAnswer.status).toBe("accepted");
    expect(slashedAnswer.status).toBe("accepted");

    const a = await stored(plainAnswer);
    const b = await stored(slashedAnswer);
    expect(b.row).toMatchObject({
      tenantId: tenant.id,
      provider: "mango",
      kind: "events/summary",
      status: a.row!.status,
      eventKey: "summary:slash-entry-b",
    });
    expect(a.row?.eventKey).toBe("summary:slash-entry-a");
    expect(b.runs.map((r) => [r.jobId, r.tenantId])).toEqual(a.runs.map((r) => [r.jobId, r.tenantId]));
    expect(b.runs).toHaveLength(1);

    // A redelivery to the other form of the address is the same event: answered as a duplicate, not stored again.
    const again = await postSummary("events/summary/", "slash-entry-a");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", id: plainAnswer.id });
    const rows = await app.db.db.select().from(webhookInbox).where(eq(webhookInbox.tenantId, tenant.id));
    expect(rows.filter((r) => r.status !== "rejected")).toHaveLength(2);
  });

  it("leaves pages reachable with a trailing slash (no redirect needed)", async () => {
    const res = await fetch(`${app.url}/login/`, { redirect: "manual" });
    expect(res.status).toBe(200);
  });
});
