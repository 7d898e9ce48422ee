import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls } from "@/db/schema";
import { startMangoEmulator } from "@/emulators/mango/server";
import { openCallPhone } from "@/server/calls/phone";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { connectMango } from "@/server/onboarding/mango-connect";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, drainJobs, type TestDb } from "@/test/db";
import type { serveHandler } from "@/test/http-bridge";
import { serveMangoIntake } from "@/test/mango-intake-bridge";

let t: TestDb;
let mango: Awaited<ReturnType<typeof startMangoEmulator>>;
let bridge: Awaited<ReturnType<typeof serveHandler>>;
const control = (path: string, body: unknown) =>
  fetch(`${mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) }).then((r) =>
    r.json(),
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

// One PBX belongs to one company, so every test uses the same connected tenant;
// each test sets the faults it wants.
let connected: Awaited<ReturnType<typeof createTenant>> | undefined;
async function connectedTenant() {
  if (!connected) {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 1,
      amocrmSubdomain: "c1",
      amocrmBaseUrl: "http://a",
      name: "C1",
    });
    const res = await connectMango(
      t.db,
      { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" },
      { baseUrl: `${mango.url}/vpbx` },
    );
    expect(res.ok).toBe(true);
    connected = tenant;
  }
  await control("webhook", { url: `${bridge.url}/api/mango/${connected.webhookKey}` });
  return connected;
}

async function drain() {
  await fetch(`${mango.url}/__control/deliveries?wait=1`);
  await drainJobs(t.db, [processMangoEvent]);
}

describe("call assembly from MANGO events", () => {
  it("an answered incoming call, every event delivered twice and out of order, makes one finished call", async () => {
    const tenant = await connectedTenant();
    await control("faults", { duplicateEvents: true, outOfOrder: true });
    const { entry_id } = (await control("scenarios", {
      type: "incoming",
      from: "+79991234567",
      ring: ["101", "102"],
      answeredBy: "101",
      talkSeconds: 35,
      recorded: true,
      instant: true,
    })) as { entry_id: string };
    await drain();
    const rows = await t.db.select().from(calls).where(eq(calls.tenantId, tenant.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entryId: entry_id,
      direction: "incoming",
      stage: "finished",
      // Stored masked; the whole number only sealed (server/calls/phone.ts).
      clientPhone: "+7999***4567",
      answeredExtension: "101",
      talkSeconds: 35,
    });
    expect(openCallPhone(rows[0]!)).toBe("+79991234567");
    expect(JSON.stringify(rows[0])).not.toContain("9991234567");
    expect(rows[0]!.rangExtensions).toEqual(expect.arrayContaining(["101", "102"]));
    expect((rows[0]!.recordingIds as string[]).length).toBeGreaterThan(0);
  });

  it("a missed call finishes unanswered with its disconnect reason", async () => {
    // No reset: a reset emulator starts its entry ids again, and this tenant already holds the first call.
    await control("faults", { duplicateEvents: false, outOfOrder: false });
    const tenant = await connectedTenant();
    const { entry_id } = (await control("scenarios", {
      type: "incoming",
      from: "+79990001122",
      ring: ["101"],
      instant: true,
    })) as { entry_id: string };
    await drain();
    const [row] = await t.db
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, tenant.id), eq(calls.entryId, entry_id)));
    expect(row).toMatchObject({
      direction: "incoming",
      stage: "finished",
      answeredExtension: null,
      talkSeconds: 0,
      answeredAt: null,
    });
    expect(row!.disconnectReason).not.toBeNull();
    expect(row!.rangExtensions).toEqual(["101"]);
  });
});
