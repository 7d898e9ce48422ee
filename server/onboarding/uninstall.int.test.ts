// The uninstall hook through its route handler, called by the amoCRM emulator over real HTTP (so the
// signature is amoCRM's, not ours), on real PostgreSQL.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, tenantSecrets, tenants, webhookInbox } from "@/db/schema";
import { OTHER_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { readAmocrmTokens, saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { getSecret, putSecret } from "@/server/secrets/store";
import { createTenant } from "@/server/tenancy/queries";
import { connect, control, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";

let t: TestDb;
let emu: RunningAmocrmEmulator;
let hook: Server;
let hookUrl: string;
/** Every URL amoCRM (the emulator) called on the hook: what an eavesdropper could capture and replay. */
const calledUrls: string[] = [];
let GET: (req: Request) => Promise<Response>;

beforeAll(async () => {
  t = await createTestDb();
  emu = await startEmulator();
  // The route reads the process's database and integration from the environment on first use.
  process.env.DATABASE_URL = t.url;
  process.env.AMOCRM_CLIENT_ID = DEMO_CLIENT_ID;
  process.env.AMOCRM_CLIENT_SECRET = DEMO_CLIENT_SECRET;
  process.env.AMOCRM_EMULATOR_URL = emu.url;
  ({ GET } = await import("@/app/api/amocrm/uninstall/route"));
  // A plain HTTP server in front of the route handler, for the emulator to call.
  hook = createServer(async (req, res) => {
    calledUrls.push(req.url ?? "/");
    const answer = await GET(new Request(`http://127.0.0.1${req.url ?? "/"}`));
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/api/amocrm/uninstall`;
});
afterAll(async () => {
  await new Promise((r) => hook?.close(r));
  await emu?.close();
  const { getDbHandle } = await import("@/db");
  await (await getDbHandle()).close();
  await t?.drop();
});

const TOKENS = { accessToken: "access-x", refreshToken: "refresh-x", expiresAt: Date.now() + 3_600_000 };

async function connectedTenant(accountId: number) {
  const tenant = await createTenant(t.db, {
    amocrmAccountId: accountId,
    amocrmSubdomain: "demo",
    amocrmBaseUrl: `${emu.url}/a/demo`,
    name: "Демо-компания",
  });
  await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: TOKENS });
  await putSecret(t.db, { tenantId: tenant.id, kind: "mango.api_key", value: "vpbx-key" });
  return tenant;
}

const statusOf = async (id: string) =>
  (await t.db.select().from(tenants).where(eq(tenants.id, id)))[0]?.status;

describe("amoCRM uninstall hook", () => {
  it("a forged or incomplete call is answered 401, recorded as rejected, and changes nothing", async () => {
    const tenant = await connectedTenant(28805383);
    const forged = new URL(hookUrl);
    forged.search = new URLSearchParams({
      account_id: "28805383",
      client_uuid: DEMO_CLIENT_ID,
      signature: "0".repeat(64),
    }).toString();
    for (const url of [
      forged.toString(),
      hookUrl,
      `${hookUrl}?account_id=28805383&client_uuid=x&signature=y`,
    ]) {
      expect((await fetch(url)).status).toBe(401);
    }
    expect(await statusOf(tenant.id)).toBe("active");
    expect(await readAmocrmTokens(t.db, { tenantId: tenant.id })).toEqual(TOKENS);
    const rejected = await t.db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.provider, "amocrm"), eq(webhookInbox.status, "rejected")));
    expect(rejected).toHaveLength(3);
    // Not written into the tenant's journal: the account id of a forged call proves nothing.
    expect(rejected.every((r) => r.tenantId === null)).toBe(true);
    const journal = await t.db.select().from(activityLog).where(eq(activityLog.tenantId, tenant.id));
    expect(journal).toEqual([]);
  });

  it("amoCRM's signed call wipes the tokens, disconnects the tenant and writes the journal", async () => {
    const [tenant] = await t.db.select().from(tenants).where(eq(tenants.amocrmAccountId, 28805383));
    const r = await control(emu, "/uninstall", { subdomain: "demo", url: hookUrl });
    expect(r.body).toMatchObject({ revoked: true, status: 200 });

    expect(await statusOf(tenant!.id)).toBe("disconnected");
    expect(await readAmocrmTokens(t.db, { tenantId: tenant!.id })).toBeNull();
    // Only the amoCRM tokens: the MANGO key stays for when the account reconnects.
    expect(await getSecret(t.db, { tenantId: tenant!.id, kind: "mango.api_key" })).toBe("vpbx-key");
    const secrets = await t.db.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, tenant!.id));
    expect(secrets.map((s) => s.kind)).toEqual(["mango.api_key"]);
    const journal = await t.db.select().from(activityLog).where(eq(activityLog.tenantId, tenant!.id));
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ kind: "amocrm.uninstall", status: "done", source: "webhook" });
  });

  it("a signed call for an account we do not know is accepted and touches nothing", async () => {
    const other = await connectedTenant(99_000_001);
    const r = await control(emu, "/uninstall", { subdomain: "other", url: hookUrl });
    expect(r.body).toMatchObject({ status: 200 });
    expect(await statusOf(other.id)).toBe("active");
    expect(await readAmocrmTokens(t.db, { tenantId: other.id })).toEqual(TOKENS);
  });

  it("a captured hook replayed after the account reconnected is refused: amoCRM still accepts our token", async () => {
    // The real disconnection of an account connected with real tokens (the emulator's consent).
    const { pair } = await connect(emu, "other");
    const tenant = await createTenant(t.db, {
      amocrmAccountId: OTHER_ACCOUNT_ID,
      amocrmSubdomain: "other",
      amocrmBaseUrl: `${emu.url}/a/other`,
      name: "Другая компания",
    });
    await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: pair });
    calledUrls.length = 0;
    const first = await control(emu, "/uninstall", { subdomain: "other", url: hookUrl });
    expect(first.body).toMatchObject({ status: 200 });
    expect(await statusOf(tenant.id)).toBe("disconnected");
    const captured = calledUrls[0]!;
    expect(captured).toContain("signature=");

    // The owner signs in again: new tokens, active.
    const again = (await connect(emu, "other")).pair;
    await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: again });
    await t.db.update(tenants).set({ status: "active" }).where(eq(tenants.id, tenant.id));

    // The captured URL, replayed: correctly signed, but amoCRM still accepts our token.
    const replay = await fetch(`http://127.0.0.1:${new URL(hookUrl).port}${captured}`);
    expect(replay.status).toBe(409);
    expect(await statusOf(tenant.id)).toBe("active");
    expect((await readAmocrmTokens(t.db, { tenantId: tenant.id }))?.accessToken).toBe(again.accessToken);
    const [rejected] = await t.db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.tenantId, tenant.id), eq(webhookInbox.status, "rejected")));
    expect(rejected?.reason).toMatch(/по-прежнему принимает наш доступ/);
  });
});
