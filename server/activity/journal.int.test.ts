import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { callLogs, calls } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { writeCallJob } from "@/server/calls/jobs";
import { mangoSubjectKey } from "@/server/events/mango-intake";
import { defineJob } from "@/server/jobs/define";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { createTenant } from "@/server/tenancy/queries";
import { receiveWebhook, type WebhookSpec } from "@/server/webhooks/intake";
import { createTestDb, drainJobs, type TestDb } from "@/test/db";
import { listJournal } from "./journal";

const SECRET = "s";
const processEvent = defineJob({
  id: "test.journal.event",
  title: "event",
  payload: z.object({ inboxId: z.uuid() }),
  handler: async () => ({ status: "done" }),
});
const event = z.object({ id: z.string(), entry: z.string(), phone: z.string() });
const spec: WebhookSpec<z.infer<typeof event>, { inboxId: string }> = {
  provider: "mango",
  kind: "events/call",
  verify: (_raw, headers) => headers.get("x-signature") === SECRET,
  decode: (raw) => JSON.parse(raw),
  schema: event,
  eventKey: (e) => e.id,
  subjectKey: (e) => `call:${e.entry}`,
  job: processEvent,
  toJobPayload: (_e, inboxId) => ({ inboxId }),
};
const post = (body: object, signature = SECRET) =>
  new Request("http://localhost/api/mango", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "x-signature": signature },
  });

let t: TestDb;
let a: { id: string };
let b: { id: string };
const BASE = "https://a.amocrm.ru";

beforeAll(async () => {
  t = await createTestDb();
  a = await createTenant(t.db, { amocrmAccountId: 1, amocrmSubdomain: "a", amocrmBaseUrl: BASE, name: "A" });
  b = await createTenant(t.db, {
    amocrmAccountId: 2,
    amocrmSubdomain: "b",
    amocrmBaseUrl: "http://b",
    name: "B",
  });
  const deps = { db: t.db, queue: createLocalQueue(t.db) };
  // One answered call: three events (each a receipt and a job run), then its logging to amoCRM.
  for (const id of ["appeared", "connected", "disconnected"])
    await receiveWebhook(post({ id, entry: "E-1", phone: "+79991234567" }), a, spec, deps);
  await drainJobs(t.db, [processEvent]);
  const [call] = await t.db
    .insert(calls)
    .values({ tenantId: a.id, entryId: "E-1", direction: "incoming", clientPhone: "+79991234567" })
    .returning();
  await t.db
    .insert(callLogs)
    .values({ tenantId: a.id, callId: call!.id, state: "done", contactId: 501, leadId: 601 });
  const { row } = await insertJobRun(
    t.db,
    writeCallJob,
    { callId: call!.id },
    {
      tenantId: a.id,
      idempotencyKey: `call:${call!.id}`,
      driver: "local",
      subjectKey: "call:E-1",
    },
  );
  await recordAttempt(t.db, writeCallJob, row, 1, { kind: "done" }, { retryAt: null });
  // A forged event: rejected, a problem of its own, its reason in Russian.
  await receiveWebhook(post({ id: "forged", entry: "E-2", phone: "+79990000000" }, "wrong"), a, spec, deps);
  // Another call whose logging failed for good with an amoCRM error in English.
  await receiveWebhook(post({ id: "other", entry: "E-3", phone: "+79990000001" }), a, spec, deps);
  await drainJobs(t.db, [processEvent]);
  const failed = await insertJobRun(
    t.db,
    writeCallJob,
    { callId: crypto.randomUUID() },
    {
      tenantId: a.id,
      idempotencyKey: "call:x",
      driver: "local",
      subjectKey: "call:E-3",
    },
  );
  const reason = "amoCRM POST /api/v4/calls → 403 Forbidden";
  await recordAttempt(
    t.db,
    writeCallJob,
    failed.row,
    5,
    { kind: "failed", reason, retriable: false },
    { retryAt: null },
  );
});
afterAll(() => t.drop());

const journal = (tenantId: string, more: Partial<Parameters<typeof listJournal>[1]> = {}) =>
  listJournal(t.db, { tenantId, amocrmBaseUrl: BASE, limit: 50, ...more });

describe("the owner's journal", () => {
  it("folds a call's receipts and runs into one row whose outcome is the logging, with its links", async () => {
    const { items } = await journal(a.id);
    const calls = items.filter((i) => i.key === "call:E-1");
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({ category: "call", kind: "calls.log", status: "done", hadProblem: false });
    expect(call.facts).toMatchObject({
      direction: "incoming",
      phone: "+7999***4567",
      contactUrl: `${BASE}/contacts/detail/501`,
      leadUrl: `${BASE}/leads/detail/601`,
    });
    // 3 receipts + 3 event runs + the logging run, oldest first.
    expect(call.steps).toHaveLength(7);
    expect(call.steps.map((s) => s.kind)).toEqual([
      ...Array(6).fill(expect.stringMatching(/^(mango\.events\/call|test\.journal\.event)$/)),
      "calls.log",
    ]);
    expect(items).toHaveLength(3);
  });

  it("says every reason in Russian and keeps the original for the technical view", async () => {
    const { items } = await journal(a.id, { problemsOnly: true });
    expect(items.map((i) => i.status).sort()).toEqual(["failed", "rejected"]);
    const rejected = items.find((i) => i.status === "rejected")!;
    expect(rejected.rawReason).toBe("invalid signature");
    expect(rejected.reason).toMatch(/^Подпись не совпала/);
    const failed = items.find((i) => i.key === "call:E-3")!;
    expect(failed.reason).toMatch(/^amoCRM запретил запрос \(403\)/);
    expect(failed.rawReason).toContain("→ 403");
    for (const i of items) expect(i.reason).toMatch(/[А-Яа-я]/);
  });

  it("pages over groups with a cursor: no group twice, none lost", async () => {
    const seen: string[] = [];
    let cursor: Awaited<ReturnType<typeof journal>>["nextCursor"] | undefined;
    do {
      const page = await journal(a.id, { limit: 1, cursor: cursor ?? undefined });
      seen.push(...page.items.map((i) => i.key));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await journal(a.id)).items.map((i) => i.key);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(3);
  });

  it("gives another tenant nothing", async () => {
    expect((await journal(b.id)).items).toEqual([]);
    expect((await journal(b.id, { problemsOnly: true })).items).toEqual([]);
  });

  it("keys MANGO events by their call, SMS reports by their SMS, and nothing else by a command", () => {
    expect(mangoSubjectKey("events/call", { entry_id: "E-9", command_id: "c" })).toBe("call:E-9");
    expect(mangoSubjectKey("events/summary", { entry_id: "E-9" })).toBe("call:E-9");
    expect(mangoSubjectKey("result/sms", { command_id: "sms-1", result: 1000 })).toBe("sms:sms-1");
    expect(mangoSubjectKey("events/sms", { command_id: "sms-1", reason: 1000 })).toBe("sms:sms-1");
    expect(mangoSubjectKey("result/callback", { command_id: "cb-1" })).toBeUndefined();
  });
});
