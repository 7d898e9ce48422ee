// The token store against the amoCRM emulator (not a stand-in refresher): amoCRM's own clock expires the
// access token, its token endpoint rotates single-use refresh tokens, its request log counts the refreshes.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tenant } from "@/db/schema";
import { activityLog, tenants } from "@/db/schema";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { createTenant } from "@/server/tenancy/queries";
import { connect, control, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { amocrmClientFor } from "./amocrm";
import { readAmocrmTokens, saveAmocrmTokens, TenantNeedsReconnectError } from "./amocrm-tokens";

let t: TestDb;
let emu: RunningAmocrmEmulator;
let tenant: Tenant;

beforeAll(async () => {
  emu = await startEmulator();
  process.env.AMOCRM_CLIENT_ID = DEMO_CLIENT_ID;
  process.env.AMOCRM_CLIENT_SECRET = DEMO_CLIENT_SECRET;
  process.env.AMOCRM_EMULATOR_URL = emu.url;
  t = await createTestDb();
  const { baseUrl, pair } = await connect(emu, "demo");
  tenant = await createTenant(t.db, {
    amocrmAccountId: 28805383,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: baseUrl,
    name: "Демо-компания",
  });
  await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: pair });
});
afterAll(async () => {
  await t?.drop();
  await emu?.close();
});

type LogEntry = { path: string; status: number };
async function tokenRequests(): Promise<LogEntry[]> {
  const r = await control(emu, "/requests?since=0&path=/a/demo/oauth2/access_token", undefined, "GET");
  return r.body as LogEntry[];
}

describe("amoCRM tokens against the emulator", () => {
  it("with amoCRM's clock 25 h ahead, 20 concurrent API calls cause exactly one refresh", async () => {
    const before = await readAmocrmTokens(t.db, { tenantId: tenant.id });
    await control(emu, "/clock", { offset: "+25 h" });
    await control(emu, "/requests", undefined, "DELETE");

    // Twenty independent clients, as twenty requests or jobs of the app would build them: only the
    // database lock, not a shared in-memory promise, can keep them to one refresh.
    const accounts = await Promise.all(
      Array.from({ length: 20 }, () => amocrmClientFor(t.db, tenant).getAccount()),
    );
    expect(accounts.map((a) => a.id)).toEqual(Array(20).fill(28805383));

    const refreshes = await tokenRequests();
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.status).toBe(200);
    const after = await readAmocrmTokens(t.db, { tenantId: tenant.id });
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect((await t.db.select().from(tenants).where(eq(tenants.id, tenant.id)))[0]?.status).toBe("active");
  });

  it("a revoked refresh token puts the tenant in needs_reconnect with a journal entry", async () => {
    // The account admin revokes our access in amoCRM: every token of ours dies there.
    const state = (await control(emu, "/state", undefined, "GET")).body as {
      access_tokens: { dead: boolean }[];
      refresh_tokens: { dead: boolean }[];
    };
    for (const tok of [...state.access_tokens, ...state.refresh_tokens]) tok.dead = true;
    await control(emu, "/seed", { state });
    await control(emu, "/requests", undefined, "DELETE");

    await expect(amocrmClientFor(t.db, tenant).getAccount()).rejects.toBeInstanceOf(
      TenantNeedsReconnectError,
    );
    const refreshes = await tokenRequests();
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.status).toBe(400);
    const [row] = await t.db.select().from(tenants).where(eq(tenants.id, tenant.id));
    expect(row?.status).toBe("needs_reconnect");
    const journal = await t.db.select().from(activityLog).where(eq(activityLog.tenantId, tenant.id));
    expect(journal).toContainEqual(
      expect.objectContaining({ kind: "amocrm.reconnect_needed", status: "failed" }),
    );
  });
});
