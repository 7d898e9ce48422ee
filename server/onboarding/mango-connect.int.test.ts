import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mangoConnections, mangoEmployees, tenantSecrets, webhookInbox } from "@/db/schema";
import { startMangoEmulator } from "@/emulators/mango/server";
import { createLocalWorker } from "@/inngest/local/worker";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";
import type { serveHandler } from "@/test/http-bridge";
import { serveMangoIntake } from "@/test/mango-intake-bridge";
import { connectMango, getMangoConnection } from "./mango-connect";

let t: TestDb;
let mango: Awaited<ReturnType<typeof startMangoEmulator>>;
let bridge: Awaited<ReturnType<typeof serveHandler>>;
const control = (path: string, body?: unknown) =>
  fetch(
    `${mango.url}/__control/${path}`,
    body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
  );

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

const newTenant = (n: number) =>
  createTenant(t.db, {
    amocrmAccountId: n,
    amocrmSubdomain: `m${n}`,
    amocrmBaseUrl: "http://a",
    name: `M${n}`,
  });

describe("connecting MANGO OFFICE", () => {
  it("a wrong salt gets the Russian error and saves nothing", async () => {
    const tenant = await newTenant(1);
    const res = await connectMango(
      t.db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "wrong-salt" },
      { baseUrl: `${mango.url}/vpbx` },
    );
    expect(res).toEqual({ ok: false, reason: "wrong_salt", message: "Неверная подпись — проверьте соль" });
    expect(await t.db.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, tenant.id))).toHaveLength(
      0,
    );
    expect(await getMangoConnection(t.db, { tenantId: tenant.id })).toBeNull();
  });

  it("a wrong key is named as such; an unreachable API too", async () => {
    const tenant = await newTenant(2);
    const wrongKey = await connectMango(
      t.db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "no-such-key", salt: "demo-vpbx-salt" },
      { baseUrl: `${mango.url}/vpbx` },
    );
    expect(wrongKey).toMatchObject({ ok: false, reason: "wrong_key", message: "Неверный ключ API" });
    const down = await connectMango(
      t.db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "k", salt: "s" },
      { baseUrl: "http://127.0.0.1:9/vpbx" },
    );
    expect(down).toMatchObject({ ok: false, reason: "unreachable", message: "API MANGO OFFICE недоступен" });
  });

  it("the right key and salt list the employees; the first signed event turns the check green", async () => {
    // Reset the emulator's lock-out from the bad requests above.
    await control("reset", {});
    const tenant = await newTenant(3);
    const res = await connectMango(
      t.db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" },
      { baseUrl: `${mango.url}/vpbx` },
    );
    expect(res.ok).toBe(true);
    const employees = await t.db.select().from(mangoEmployees).where(eq(mangoEmployees.tenantId, tenant.id));
    expect(employees.map((e) => e.extension)).toEqual(expect.arrayContaining(["101", "102"]));
    const secrets = await t.db.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, tenant.id));
    expect(JSON.stringify(secrets)).not.toContain("demo-vpbx-salt");
    expect((await getMangoConnection(t.db, { tenantId: tenant.id }))?.firstEventAt).toBeNull();

    await control("webhook", { url: `${bridge.url}/api/mango/${tenant.webhookKey}` });
    const scenario = await control("scenarios", {
      type: "incoming",
      from: "+79991234567",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 5,
      instant: true,
    });
    expect(scenario.status).toBeLessThan(300);
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    const accepted = await t.db.select().from(webhookInbox).where(eq(webhookInbox.tenantId, tenant.id));
    expect(accepted.filter((r) => r.status === "accepted").length).toBeGreaterThan(2);
    expect(accepted.filter((r) => r.status === "rejected")).toHaveLength(0);

    const worker = createLocalWorker({ db: t.db, definitions: [processMangoEvent] });
    while ((await worker.tick()) > 0) {}
    const [conn] = await t.db.select().from(mangoConnections).where(eq(mangoConnections.tenantId, tenant.id));
    expect(conn!.firstEventAt).not.toBeNull();
  });

  it("a forged signature gets 401; an unknown event kind is stored and acknowledged", async () => {
    const [tenant] = await t.db.select().from(mangoConnections);
    const { tenants } = await import("@/db/schema");
    const [row] = await t.db.select().from(tenants).where(eq(tenants.id, tenant!.tenantId));
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${bridge.url}/api/mango/${row!.webhookKey}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
    const json = JSON.stringify({
      entry_id: "x",
      call_id: "y",
      timestamp: 1,
      seq: 1,
      call_state: "Appeared",
    });
    const { jobRuns, calls } = await import("@/db/schema");
    const before = {
      inbox: (await t.db.select().from(webhookInbox)).length,
      jobs: (await t.db.select().from(jobRuns)).length,
      calls: (await t.db.select().from(calls)).length,
    };
    const forged = await post("events/call", { vpbx_api_key: "demo-vpbx-key", sign: "0".repeat(64), json });
    expect(forged.status).toBe(401);
    // No trace but the rejection record: no accepted event, no job, no call.
    const inbox = await t.db.select().from(webhookInbox);
    expect(inbox).toHaveLength(before.inbox + 1);
    expect(inbox.filter((r) => r.reason === "invalid signature")).toHaveLength(1);
    expect(inbox.find((r) => r.reason === "invalid signature")).toMatchObject({
      status: "rejected",
      eventKey: null,
    });
    expect(await t.db.select().from(jobRuns)).toHaveLength(before.jobs);
    expect(await t.db.select().from(calls)).toHaveLength(before.calls);
    const { createHash } = await import("node:crypto");
    const unknownJson = JSON.stringify({ hello: "new kind" });
    const sign = createHash("sha256").update(`demo-vpbx-key${unknownJson}demo-vpbx-salt`).digest("hex");
    const unknown = await post("events/something/new", {
      vpbx_api_key: "demo-vpbx-key",
      sign,
      json: unknownJson,
    });
    expect(unknown.status).toBe(200);
    const stored = await t.db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.kind, "unknown:events/something/new"));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.status).toBe("accepted");
  });
});
