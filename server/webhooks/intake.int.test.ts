import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { activityLog, jobRuns, webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { defineJob } from "@/server/jobs/define";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { receiveWebhook, type WebhookSpec } from "./intake";
import { hmacSha256Hex, safeEqual } from "./verify";

const SECRET = "webhook-secret";
const processEvent = defineJob({
  id: "test.webhook.process",
  title: "process",
  payload: z.object({ inboxId: z.uuid() }),
  handler: async () => ({ status: "done" }),
});
const event = z.object({ id: z.string().min(1), phone: z.string() });
const spec: WebhookSpec<z.infer<typeof event>, { inboxId: string }> = {
  provider: "test",
  kind: "thing",
  verify: (raw, headers) => safeEqual(headers.get("x-signature") ?? "", hmacSha256Hex(SECRET, raw)),
  decode: (raw) => JSON.parse(raw),
  schema: event,
  eventKey: (e) => e.id,
  job: processEvent,
  toJobPayload: (_e, inboxId) => ({ inboxId }),
};

let t: TestDb;
let tenant: { id: string };
beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db, {
    amocrmAccountId: 3,
    amocrmSubdomain: "w",
    amocrmBaseUrl: "http://x",
    name: "W",
  });
});
afterAll(() => t.drop());

const post = (body: string, signature = hmacSha256Hex(SECRET, body)) =>
  new Request("http://localhost/api/test", { method: "POST", body, headers: { "x-signature": signature } });

describe("webhook intake", () => {
  it("stores a duplicate event once, answers 200 twice and enqueues one job", async () => {
    const deps = { db: t.db, queue: createLocalQueue(t.db) };
    const body = JSON.stringify({ id: "evt-1", phone: "+79991234567" });
    const first = await receiveWebhook(post(body), tenant, spec, deps);
    const second = await receiveWebhook(post(body), tenant, spec, deps);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toMatchObject({ status: "accepted" });
    expect(await second.json()).toMatchObject({ status: "duplicate" });
    const rows = await t.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, "evt-1"));
    expect(rows).toHaveLength(1);
    const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, processEvent.id));
    expect(runs).toHaveLength(1);
    expect(rows[0]!.jobRunId).toBe(runs[0]!.id);
    // The journal keeps the phone masked.
    const [entry] = await t.db.select().from(activityLog).where(eq(activityLog.sourceId, rows[0]!.id));
    expect(JSON.stringify(entry!.payload)).not.toContain("79991234567");
  });

  it("answers a bad signature 401, records it as rejected and starts no job", async () => {
    const deps = { db: t.db, queue: createLocalQueue(t.db) };
    const body = JSON.stringify({ id: "evt-forged", phone: "+79990000000" });
    const res = await receiveWebhook(post(body, hmacSha256Hex("wrong", body)), tenant, spec, deps);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid signature" });
    const [row] = await t.db.select().from(webhookInbox).where(eq(webhookInbox.reason, "invalid signature"));
    expect(row).toMatchObject({ status: "rejected", tenantId: tenant.id, eventKey: null });
    const [entry] = await t.db.select().from(activityLog).where(eq(activityLog.sourceId, row!.id));
    expect(entry).toMatchObject({ status: "rejected", reason: "invalid signature" });
    const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, processEvent.id));
    expect(runs).toHaveLength(1); // only the one from the accepted event above
  });

  it("answers an event the spec ignores 200 without storing it or starting a job", async () => {
    const deps = { db: t.db, queue: createLocalQueue(t.db) };
    const ignoring = { ...spec, ignore: (e: { id: string }) => (e.id.startsWith("noise") ? "noise" : null) };
    const body = JSON.stringify({ id: "noise-1", phone: "+79990000001" });
    const res = await receiveWebhook(post(body), tenant, ignoring, deps);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ignored", reason: "noise" });
    expect(await t.db.select().from(webhookInbox).where(eq(webhookInbox.eventKey, "noise-1"))).toEqual([]);
    const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, processEvent.id));
    expect(runs).toHaveLength(1); // still only the one from the accepted event above
  });

  it("answers a malformed body 400 with the reason", async () => {
    const deps = { db: t.db, queue: createLocalQueue(t.db) };
    const notJson = await receiveWebhook(post("{not json"), tenant, spec, deps);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatch(/^malformed body: /);
    const missing = await receiveWebhook(post(JSON.stringify({ id: "evt-2" })), tenant, spec, deps);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/^invalid payload: phone: /);
    const rejected = await t.db.select().from(webhookInbox).where(eq(webhookInbox.status, "rejected"));
    expect(rejected.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^malformed body/),
        expect.stringMatching(/^invalid payload/),
      ]),
    );
  });

  it("answers an unknown webhook address 404 and records it without a tenant", async () => {
    const deps = { db: t.db, queue: createLocalQueue(t.db) };
    const res = await receiveWebhook(post(JSON.stringify({ id: "x", phone: "1" })), null, spec, deps);
    expect(res.status).toBe(404);
    const rows = await t.db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.reason, "unknown webhook address"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tenantId).toBeNull();
  });
});
