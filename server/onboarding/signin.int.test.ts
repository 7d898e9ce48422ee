// Sign-in with amoCRM on real PostgreSQL and the amoCRM emulator: the provider's halves (code exchange on the
// referer's domain, identity read) feed signInWithAmocrm exactly as next-auth does.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, amocrmUsers, tenantSecrets, tenants } from "@/db/schema";
import { USERS } from "@/emulators/amocrm/seed-ids";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { exchangeCallback, readAmocrmIdentity } from "@/server/auth/amocrm-provider";
import { markNeedsReconnect, readAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { directorySyncedAt, listPipelines } from "@/server/directory/amocrm-sync";
import { setMemberRole } from "@/server/tenancy/queries";
import { consent, control, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { signInWithAmocrm, syncDirectoryAfterSignIn } from "./signin";

let t: TestDb;
let emu: RunningAmocrmEmulator;

beforeAll(async () => {
  emu = await startEmulator();
  // amocrmIntegration() reads these on first use; the emulator's base is only known now.
  process.env.AMOCRM_CLIENT_ID = DEMO_CLIENT_ID;
  process.env.AMOCRM_CLIENT_SECRET = DEMO_CLIENT_SECRET;
  process.env.AMOCRM_EMULATOR_URL = emu.url;
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
  await emu?.close();
});

/** A code for `userId` in `subdomain`, as if that user had pressed «Разрешить». */
async function codeFor(subdomain: string, userId?: number) {
  const r = await control(emu, "/oauth/code", { subdomain, ...(userId ? { user_id: userId } : {}) });
  return r.body as { code: string; referer: string };
}

/** What the provider does on the callback, then the domain upsert. */
async function signIn(q: { code: string; referer: string; state?: string }) {
  const state = q.state ?? "s-1";
  const { baseUrl, tokens } = await exchangeCallback({ ...q, state }, state);
  return signInWithAmocrm(t.db, await readAmocrmIdentity(baseUrl, tokens));
}

const tenantOf = async (accountId: number) =>
  (await t.db.select().from(tenants).where(eq(tenants.amocrmAccountId, accountId)))[0];

describe("sign-in with amoCRM", () => {
  it("the first user of an account creates the tenant and owns it; tokens are stored sealed", async () => {
    const q = await consent(emu, { subdomain: "demo", state: "s-1" });
    const out = await signIn({ code: q.get("code") ?? "", referer: q.get("referer") ?? "" });
    expect(out).toMatchObject({ role: "owner", createdTenant: true, storedTokens: true });
    expect(out.user).toMatchObject({ amocrmUserId: USERS.admin, name: "Анна Администратова" });
    expect(out.tenant).toMatchObject({
      amocrmAccountId: 28805383,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: `${emu.url}/a/demo`,
      name: "Демо-компания",
      status: "active",
    });

    const tokens = await readAmocrmTokens(t.db, { tenantId: out.tenant.id });
    expect(tokens?.accessToken.length).toBeGreaterThan(20);
    const [row] = await t.db.select().from(tenantSecrets).where(eq(tenantSecrets.tenantId, out.tenant.id));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(tokens!.accessToken);
    expect(stored).not.toContain(tokens!.refreshToken);

    const journal = await t.db.select().from(activityLog).where(eq(activityLog.tenantId, out.tenant.id));
    expect(journal.map((e) => e.kind)).toContain("amocrm.connected");

    // The stored tokens work for the tenant's own client: the account's users and pipelines are cached.
    await syncDirectoryAfterSignIn(t.db, out);
    const cached = await t.db.select().from(amocrmUsers).where(eq(amocrmUsers.tenantId, out.tenant.id));
    expect(cached).toHaveLength(5);
    expect(await listPipelines(t.db, { tenantId: out.tenant.id })).toHaveLength(2);
  });

  it("a second user of the same account joins as a member and does not replace the tokens", async () => {
    const tenant = (await tenantOf(28805383))!;
    const before = await readAmocrmTokens(t.db, { tenantId: tenant.id });
    const out = await signIn(await codeFor("demo", USERS.manager));
    expect(out).toMatchObject({ role: "member", createdTenant: false, storedTokens: false });
    expect(out.tenant.id).toBe(tenant.id);
    expect(out.user.name).toBe("Алексей Смирнов");
    expect(await readAmocrmTokens(t.db, { tenantId: tenant.id })).toEqual(before);
    // A fresh directory is not read again for every sign-in.
    const synced = await directorySyncedAt(t.db, { tenantId: tenant.id });
    await syncDirectoryAfterSignIn(t.db, out);
    expect(await directorySyncedAt(t.db, { tenantId: tenant.id })).toEqual(synced);
    // Signing in again keeps the role.
    expect((await signIn(await codeFor("demo", USERS.manager))).role).toBe("member");
  });

  it("an admin's sign-in stores the newest tokens; the owner stays owner", async () => {
    const tenant = (await tenantOf(28805383))!;
    const manager = await signIn(await codeFor("demo", USERS.manager));
    await setMemberRole(t.db, { tenantId: tenant.id, userId: manager.user.id, role: "admin" });
    const before = await readAmocrmTokens(t.db, { tenantId: tenant.id });
    const out = await signIn(await codeFor("demo", USERS.manager));
    expect(out).toMatchObject({ role: "admin", storedTokens: true });
    expect((await readAmocrmTokens(t.db, { tenantId: tenant.id }))?.refreshToken).not.toBe(
      before?.refreshToken,
    );
    expect((await signIn(await codeFor("demo"))).role).toBe("owner");
  });

  it("an owner's sign-in reactivates a needs_reconnect or disconnected tenant; a member's does not", async () => {
    const tenant = (await tenantOf(28805383))!;
    await markNeedsReconnect(t.db, { tenantId: tenant.id, reason: "test" });
    const member = await signIn(await codeFor("demo", USERS.analyst));
    expect(member).toMatchObject({ role: "member", reactivated: false });
    expect((await tenantOf(28805383))?.status).toBe("needs_reconnect");

    const owner = await signIn(await codeFor("demo"));
    expect(owner).toMatchObject({ role: "owner", reactivated: true, storedTokens: true });
    expect((await tenantOf(28805383))?.status).toBe("active");

    await t.db.update(tenants).set({ status: "disconnected" }).where(eq(tenants.id, tenant.id));
    await t.db.delete(tenantSecrets).where(eq(tenantSecrets.tenantId, tenant.id));
    const again = await signIn(await codeFor("demo"));
    expect(again).toMatchObject({ reactivated: true });
    expect((await tenantOf(28805383))?.status).toBe("active");
    expect(await readAmocrmTokens(t.db, { tenantId: tenant.id })).not.toBeNull();
    const kinds = (await t.db.select().from(activityLog).where(eq(activityLog.tenantId, tenant.id))).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === "amocrm.reconnected")).toHaveLength(2);
  });

  it("two people signing in to a new account at once: one tenant, one owner", async () => {
    const codes = [await codeFor("other", USERS.admin), await codeFor("other", USERS.sales)];
    const [a, b] = (await Promise.all(codes.map((c) => signIn(c)))) as [
      Awaited<ReturnType<typeof signIn>>,
      Awaited<ReturnType<typeof signIn>>,
    ];
    expect(a.tenant.id).toBe(b.tenant.id);
    expect([a.role, b.role].sort()).toEqual(["member", "owner"]);
    expect([a, b].filter((x) => x.createdTenant)).toHaveLength(1);
  });

  it("when amoCRM will not name the user, the name and e-mail we know stay", async () => {
    const out = await signInWithAmocrm(t.db, {
      account: { id: 777_001, subdomain: "tretya", name: "Третья" },
      baseUrl: "https://tretya.amocrm.ru",
      user: { id: USERS.admin, name: null, email: null },
      tokens: { accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 60_000 },
    });
    expect(out.user).toMatchObject({ name: "Анна Администратова", email: "admin@demo.example" });
    const stranger = await signInWithAmocrm(t.db, {
      account: { id: 777_001, subdomain: "tretya", name: "Третья" },
      baseUrl: "https://tretya.amocrm.ru",
      user: { id: 777_555, name: null, email: null },
      tokens: { accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 60_000 },
    });
    expect(stranger).toMatchObject({ role: "member", user: { name: "Пользователь amoCRM 777555" } });
  });

  it("refuses a forged state, a referer outside amoCRM, and never sends the code there", async () => {
    const { code, referer } = await codeFor("demo");
    await expect(exchangeCallback({ code, referer, state: "forged" }, "s-1")).rejects.toThrow(/state/);
    await expect(exchangeCallback({ code, referer, state: "s-1" }, undefined)).rejects.toThrow(/state/);
    for (const bad of [
      "evil.example.com",
      "demo.amocrm.ru.evil.com",
      "127.0.0.1:1/a/demo",
      "www.amocrm.ru",
    ]) {
      await expect(exchangeCallback({ code, referer: bad, state: "s-1" }, "s-1")).rejects.toThrow(/referer/);
    }
    // The code was never spent: the genuine referer still exchanges it.
    await expect(exchangeCallback({ code, referer, state: "s-1" }, "s-1")).resolves.toMatchObject({
      baseUrl: `${emu.url}/a/demo`,
    });
  });

  it("keeps the account's time zone: read at sign-in, an unknown zone leaves the current one", async () => {
    await control(emu, "/accounts", { subdomain: "demo", timezone: "Asia/Novosibirsk" });
    try {
      const out = await signIn(await codeFor("demo", USERS.admin));
      expect(out.tenant.timeZone).toBe("Asia/Novosibirsk");
    } finally {
      await control(emu, "/accounts", { subdomain: "demo", timezone: "Europe/Moscow" });
    }
    const odd = await signInWithAmocrm(t.db, {
      account: { id: 777_002, subdomain: "chetvertaya", name: "Четвёртая", timeZone: "GMT+7" },
      baseUrl: "https://chetvertaya.amocrm.ru",
      user: { id: 777_556, name: "Ольга", email: null },
      tokens: { accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 60_000 },
    });
    expect(odd.tenant.timeZone).toBe("Europe/Moscow");
  });
});
