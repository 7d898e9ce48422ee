// Hostile bodies through the shared intake on real PostgreSQL: a signed event is stored and queued whatever
// its strings contain, garbage gets a 4xx with the reason, nothing answers 500, nothing is read unbounded.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { jobRuns, webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { defineJob } from "@/server/jobs/define";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import { receiveWebhook, type WebhookSpec } from "./intake";
import { hmacSha256Hex, safeEqual } from "./verify";

const SECRET = "hostile-secret";
const processEvent = defineJob({
  id: "test.hostile.process",
  title: "process",
  payload: z.object({ inboxId: z.uuid(), text: z.string().max(20) }),
  handler: async () => ({ status: "done" }),
});
const event = z.object({ id: z.string().min(1), text: z.string() }).passthrough();
const spec: WebhookSpec<z.infer<typeof event>, { inboxId: string; text: string }> = {
  provider: "test",
  kind: "hostile",
  verify: (raw, headers) => safeEqual(headers.get("x-signature") ?? "", hmacSha256Hex(SECRET, raw)),
  decode: (raw) => JSON.parse(raw),
  schema: event,
  eventKey: (e) => e.id,
  job: processEvent,
  toJobPayload: (e, inboxId) => ({ inboxId, text: e.text }),
};

let t: TestDb;
let tenant: { id: string };
beforeAll(async () => {
  t = await createTestDb();
  tenant = await createTenant(t.db, {
    amocrmAccountId: 4,
    amocrmSubdomain: "h",
    amocrmBaseUrl: "http://x",
    name: "H",
  });
});
afterAll(() => t.drop());

const deps = () => ({ db: t.db, queue: createLocalQueue(t.db) });
const post = (body: string | ReadableStream<Uint8Array>, signature?: string) =>
  new Request("http://localhost/api/test", {
    method: "POST",
    body,
    headers: { "x-signature": signature ?? (typeof body === "string" ? hmacSha256Hex(SECRET, body) : "") },
    ...(typeof body === "string" ? {} : { duplex: "half" }),
  } as RequestInit);

const inboxOf = (key: string) =>
  t.db
    .select()
    .from(webhookInbox)
    .where(and(eq(webhookInbox.tenantId, tenant.id), eq(webhookInbox.eventKey, key)));

describe("webhook intake on hostile input", () => {
  it("stores and queues a signed event whose strings hold NUL and lone surrogates (jsonb refuses them)", async () => {
    const body = `{"id":"nul-1","text":"a\\u0000b\\ud800c","\\udc00key":"\\u0000"}`;
    const res = await receiveWebhook(post(body), tenant, spec, deps());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted" });
    const [row] = await inboxOf("nul-1");
    expect(row!.payload).toEqual({ id: "nul-1", text: "a\uFFFDb\uFFFDc", "\uFFFDkey": "\uFFFD" });
    const runs = await t.db.select().from(jobRuns).where(eq(jobRuns.id, row!.jobRunId!));
    expect(runs).toHaveLength(1);
  });

  it("answers a body nested 100,000 deep 400 with the reason, and records it", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const body = `{"id":"deep-1","text":"x","d":${deep}}`;
    const res = await receiveWebhook(post(body), tenant, spec, deps());
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/вложенность глубже 64/);
    expect(await inboxOf("deep-1")).toEqual([]);
    const rejected = await t.db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.tenantId, tenant.id), eq(webhookInbox.status, "rejected")));
    expect(rejected.some((r) => /вложенность/.test(r.reason ?? ""))).toBe(true);
  });

  it("refuses before storing an event the job would not accept: 400, nothing stored, no run", async () => {
    const body = JSON.stringify({ id: "toolong-1", text: "x".repeat(21) });
    const res = await receiveWebhook(post(body), tenant, spec, deps());
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/^invalid payload: text: /);
    expect(await inboxOf("toolong-1")).toEqual([]);
  });

  it("stops reading a streamed body at the limit: 413, the rest never pulled", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await receiveWebhook(post(endless, "x"), tenant, spec, deps());
    expect(res.status).toBe(413);
    // 1 MB limit / 64 KB chunks: about 16 chunks, not the 1000 on offer (64 MB).
    expect(pulled).toBeLessThan(40);
  });

  it("reads nothing for an unknown address", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += 1;
          controller.enqueue(new TextEncoder().encode("{}"));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const res = await receiveWebhook(post(stream, "x"), null, spec, deps());
    expect(res.status).toBe(404);
    expect(pulled).toBe(0);
  });

  it("keeps no secret and no full phone of a refused MANGO-style form body", async () => {
    const json = JSON.stringify({ entry_id: "e1", from: { number: "79161234567" } });
    const body = `vpbx_api_key=live-key-123&sign=abcdef&json=${encodeURIComponent(json)}`;
    const res = await receiveWebhook(post(body, "forged"), tenant, spec, deps());
    expect(res.status).toBe(401);
    const rejected = await t.db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.tenantId, tenant.id), eq(webhookInbox.reason, "invalid signature")));
    const kept = JSON.stringify(rejected.map((r) => r.payload));
    expect(kept).toContain("[redacted]");
    expect(kept).not.toContain("live-key-123");
    expect(kept).not.toContain("abcdef");
    expect(kept).not.toContain("79161234567");
  });

  it("never answers 5xx for a garbage body with NUL bytes in a refused request", async () => {
    const res = await receiveWebhook(post("\u0000\u0000{garbage\ud800", "forged"), tenant, spec, deps());
    expect(res.status).toBe(401);
  });
});
