import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { activityLog, jobRuns, webhookInbox } from "@/db/schema";
import { createInngestClient } from "@/inngest/client";
import { createLocalQueue } from "@/inngest/local/queue";
import { createInngestQueue } from "@/inngest/outbox";
import { receiveMangoEvent } from "@/server/events/mango-intake";
import type { JobQueue } from "@/server/jobs/queue";
import { sign } from "@/server/mango/sign";
import { receiveAccountWebhook } from "@/server/rules/account-webhook-intake";
import { receiveDpWebhook } from "@/server/rules/dp-intake";
import { putSecret } from "@/server/secrets/store";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";

// Issue 16, "intake fast path": an accepted webhook costs at most two round trips to the database — one read
// (the tenant by its webhook key, with MANGO's key and salt) and one statement writing inbox + job + journal.
// Every statement any connection of the pool sends is counted (transactions' BEGIN / COMMIT included).

const KEY = "fastpath-vpbx-key";
const SALT = "fastpath-vpbx-salt";
const statements: string[] = [];

class CountingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; every call is counted
  override query(...args: any[]): any {
    const q = args[0];
    statements.push(typeof q === "string" ? q : String(q?.text ?? q));
    // biome-ignore lint/suspicious/noExplicitAny: as above
    return (super.query as any)(...args);
  }
}

let t: TestDb;
let pool: pg.Pool;
let db: Db;
let tenant: Awaited<ReturnType<typeof createTenant>>;
beforeAll(async () => {
  t = await createTestDb();
  pool = new pg.Pool({ connectionString: t.url, max: 4, Client: CountingClient });
  db = drizzle(pool, { schema }) as unknown as Db;
  tenant = await createTenant(t.db, {
    amocrmAccountId: 4242,
    amocrmSubdomain: "fast",
    amocrmBaseUrl: "http://fast",
    name: "Fast",
  });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_key", value: KEY });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_salt", value: SALT });
});
afterAll(async () => {
  await pool.end();
  await t.drop();
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
const mangoForm = (json: string) =>
  new URLSearchParams({ vpbx_api_key: KEY, sign: sign(KEY, json, SALT), json }).toString();
const dpBody = (leadId: number) =>
  JSON.stringify({
    event: { type: 14, data: { id: leadId, status_id: 33929758, pipeline_id: 3383152 }, time: 1_764_000_100 },
    account_id: 4242,
  });
const accountBody = (leadId: number) =>
  new URLSearchParams({
    "leads[status][0][id]": String(leadId),
    "leads[status][0][status_id]": "143",
    "leads[status][0][old_status_id]": "33929758",
    "leads[status][0][pipeline_id]": "3383152",
    "leads[status][0][last_modified]": "1764000200",
    "account[id]": "4242",
    "account[subdomain]": "fast",
  }).toString();

type Route = "mango" | "dp" | "events";
function post(route: Route, body: string, queue: JobQueue) {
  const deps = { db, queue };
  const webhookKey = tenant.webhookKey;
  if (route === "mango") {
    const req = new Request(`http://l/api/mango/${webhookKey}/events/summary`, { method: "POST", body });
    return receiveMangoEvent(req, { webhookKey, path: "events/summary" }, deps);
  }
  const headers =
    route === "dp"
      ? { "content-type": "application/json" }
      : { "content-type": "application/x-www-form-urlencoded" };
  const req = new Request(`http://l/api/amocrm/${webhookKey}/${route}`, { method: "POST", body, headers });
  return route === "dp"
    ? receiveDpWebhook(req, { webhookKey }, deps)
    : receiveAccountWebhook(req, { webhookKey }, deps);
}

/** Posts one webhook and counts the statements sent until it is answered. */
async function counted(route: Route, body: string, queue: JobQueue) {
  statements.length = 0;
  const res = await post(route, body, queue);
  const sent = [...statements];
  return { status: res.status, body: (await res.json()) as { status: string; id: string }, sent };
}

const runsOf = async (inboxId: string) =>
  db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.tenantId, tenant.id), eq(jobRuns.idempotencyKey, `inbox:${inboxId}`)));

describe("intake fast path", () => {
  const cases: [Route, string, string][] = [
    ["mango", "MANGO events/summary", mangoForm(summary("RmFzdDE="))],
    ["dp", "amoCRM DP", dpBody(9001)],
    ["events", "amoCRM account events", accountBody(9002)],
  ];
  it.each(cases)(
    "accepts %s (%s) in two statements; a redelivery makes no second job",
    async (route, _n, body) => {
      const queue = createLocalQueue(db);
      const first = await counted(route, body, queue);
      expect(first.status).toBe(200);
      expect(first.body.status).toBe("accepted");
      expect(first.sent.length).toBeLessThanOrEqual(2);
      expect(first.sent.some((s) => /^\s*begin/i.test(s))).toBe(false);

      // Everything the slow path wrote is there: inbox row → its run, the journal's two entries.
      const [row] = await db.select().from(webhookInbox).where(eq(webhookInbox.id, first.body.id));
      const runs = await runsOf(first.body.id);
      expect(runs).toHaveLength(1);
      expect(row).toMatchObject({ status: "accepted", jobRunId: runs[0]!.id });
      expect(runs[0]).toMatchObject({ driver: "local", status: "queued" });
      const [received] = await db.select().from(activityLog).where(eq(activityLog.sourceId, row!.id));
      expect(received).toMatchObject({
        source: "webhook",
        status: "done",
        reason: "принято, передано в обработку",
      });
      const [queued] = await db.select().from(activityLog).where(eq(activityLog.sourceId, runs[0]!.id));
      expect(queued).toMatchObject({ source: "job", status: "queued", subjectKey: received!.subjectKey });

      const again = await counted(route, body, queue);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: "duplicate", id: first.body.id });
      expect(again.sent.length).toBeLessThanOrEqual(2);
      expect(await runsOf(first.body.id)).toHaveLength(1);
      // biome-ignore lint/suspicious/noConsole: the figure this test is for
      console.log(
        `intake fast path ${route}: accepted in ${first.sent.length} statements, redelivery in ${again.sent.length}`,
      );
    },
  );

  it("makes one job of concurrent deliveries of one event", async () => {
    const queue = createLocalQueue(db);
    const body = mangoForm(summary("RmFzdENvbmN1cnJlbnQ="));
    const answers = await Promise.all(Array.from({ length: 6 }, () => post("mango", body, queue)));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(ids).size).toBe(1);
    expect(await runsOf(ids[0]!)).toHaveLength(1);
    const rows = await db.select().from(webhookInbox).where(eq(webhookInbox.id, ids[0]!));
    expect(rows).toHaveLength(1);
  });

  it("writes the Inngest outbox row in the same statement and sends after the answer", async () => {
    const received: { data: { runId: string } }[] = [];
    const stub: Server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const events = JSON.parse(raw);
        received.push(...(Array.isArray(events) ? events : [events]));
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ ids: ["01"], status: 200 }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
    try {
      const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
      const queue = createInngestQueue(db, createInngestClient({ eventKey: "k", baseUrl, isDev: false }));
      const first = await counted("dp", dpBody(9003), queue);
      expect(first.body.status).toBe("accepted");
      expect(first.sent.length).toBeLessThanOrEqual(2);
      const [run] = await runsOf(first.body.id);
      expect(run).toMatchObject({ driver: "inngest", status: "queued" });
      // The send and its mark follow the answer; the sweeper would re-send a run left unmarked.
      await expect
        .poll(async () => (await runsOf(first.body.id))[0]!.dispatchedAt, { timeout: 10_000 })
        .not.toBeNull();
      expect(received.map((e) => e.data.runId)).toEqual([run!.id]);
      const again = await counted("dp", dpBody(9003), queue);
      expect(again.body.status).toBe("duplicate");
      expect(await runsOf(first.body.id)).toHaveLength(1);
      expect(received).toHaveLength(1);
    } finally {
      stub.close();
    }
  });
});
