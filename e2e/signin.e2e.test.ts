// «Войти через amoCRM» against the amoCRM emulator: a new account's first user becomes the owner of a new
// tenant, a colleague joins as a member, a forged referer is refused; a revoked token shows the reconnect
// banner until the owner signs in again; amoCRM's uninstall hook disconnects the tenant.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, memberships, tenantSecrets, tenants, users } from "@/db/schema";
import { USERS } from "@/emulators/amocrm/seed-ids";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

const DEMO_ACCOUNT = 28805383;
const OTHER_ACCOUNT = 30441694;
/** The portal and this process share the key, so the test can act as the app's own amoCRM client. */
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const browserErrors: string[] = [];
/** The owner's page, kept signed in across the steps that follow the sign-ins. */
let ownerPage: Page;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });

function amo() {
  if (!app.amocrm) throw new Error("the amoCRM emulator is not running");
  return app.amocrm;
}

async function control(route: string, body?: unknown, method = "POST"): Promise<unknown> {
  const res = await fetch(`${amo().url}/__control/${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`amoCRM emulator ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

type EmuState = {
  accounts: Record<string, { current_user_id: number }>;
  access_tokens: { dead: boolean }[];
  refresh_tokens: { dead: boolean }[];
};

/** Changes the emulator's state in place (its integrations, with our callback, are kept). */
async function editState(edit: (s: EmuState) => void): Promise<void> {
  const state = (await control("state", undefined, "GET")) as EmuState;
  edit(state);
  await control("seed", { state });
}

/** Who is logged in to amoCRM in "the browser": the consent page issues the code for that user. */
const loggedInToAmocrm = (userId: number) =>
  editState((s) => {
    s.accounts.demo!.current_user_id = userId;
  });

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 },
    baseURL: app.url,
    locale: "ru-RU",
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  // Only our pages: the emulator's consent page has no favicon (a 404 in the console that is not ours).
  const ours = () => page.url().startsWith(app.url);
  page.on("pageerror", (err) => {
    if (ours()) browserErrors.push(`pageerror ${page.url()}: ${err.message}`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && ours()) browserErrors.push(`console ${page.url()}: ${msg.text()}`);
  });
  return page;
}

/** /login → «Войти через amoCRM» → the emulator's consent page. */
async function openConsent(page: Page): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("amocrm-sign-in").click();
  await page.waitForURL(`${amo().url}/oauth?**`);
}

/** The whole sign-in: consent for the demo account, back in the portal on Обзор. */
async function signInWithAmocrm(page: Page, screenshot?: string): Promise<void> {
  await openConsent(page);
  await page.getByLabel("Демо-компания (demo)").check();
  if (screenshot) await shot(page, screenshot);
  await page.getByRole("button", { name: "Разрешить" }).click();
  await page.waitForURL("**/overview");
  await page.getByTestId("tenant-name").filter({ hasText: "Демо-компания" }).waitFor();
}

async function demoTenant() {
  const [row] = await app.db.db.select().from(tenants).where(eq(tenants.amocrmAccountId, DEMO_ACCOUNT));
  return row;
}

async function roleOf(amocrmUserId: number) {
  const tenant = await demoTenant();
  const [row] = await app.db.db
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenant!.id), eq(users.amocrmUserId, amocrmUserId)));
  return row?.role;
}

const hasAmocrmTokens = async (tenantId: string) =>
  (
    await app.db.db
      .select()
      .from(tenantSecrets)
      .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.kind, "amocrm.tokens")))
  ).length === 1;

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
  app = await startAppServer({ amocrm: true, env: { ENCRYPTION_KEY } });
  process.env.AMOCRM_EMULATOR_URL = amo().url;
  process.env.AMOCRM_CLIENT_ID = "5f3c1e2a-7b4d-4c8e-9a1f-2d3b4c5d6e7f";
  process.env.AMOCRM_CLIENT_SECRET = "demo-secret-2Xq9LmT4vR8sK1pW6yZ3nB7cH0jF5gD2";
  // Seeding the portal already read the environment (sealing its webhooks); read it again with the above.
  const { rereadEnvForTests } = await import("@/server/config/env");
  rereadEnvForTests();
  browser = await launchChromium();
});

afterEach(() => {
  const errors = browserErrors.splice(0);
  expect(errors, "errors in the browser console").toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

describe("sign-in with amoCRM", () => {
  it("a new user consents on amoCRM and lands in the portal as the owner of a new tenant", async () => {
    expect(await demoTenant()).toBeUndefined();
    ownerPage = await newPage();
    // The consent URL is amoCRM's documented one: client_id, mode and our state, nothing else.
    await openConsent(ownerPage);
    const consentUrl = new URL(ownerPage.url());
    expect([...consentUrl.searchParams.keys()].sort()).toEqual(["client_id", "mode", "state"]);
    expect(consentUrl.searchParams.get("mode")).toBe("post_message");
    await signInWithAmocrm(ownerPage, "signin-amocrm-consent.png");
    await ownerPage.getByTestId("user-menu").filter({ hasText: "Владелец" }).waitFor();
    await ownerPage.getByTestId("user-menu").filter({ hasText: "Анна Администратова" }).waitFor();
    await shot(ownerPage, "signin-amocrm-owner.png");

    const tenant = await demoTenant();
    expect(tenant).toMatchObject({ status: "active", amocrmBaseUrl: `${amo().url}/a/demo` });
    expect(await roleOf(USERS.admin)).toBe("owner");
    expect(await hasAmocrmTokens(tenant!.id)).toBe(true);
    // The account's users were read at sign-in (the employees page pairs them with MANGO).
    const cached = await app.db.db.select().from(amocrmUsers).where(eq(amocrmUsers.tenantId, tenant!.id));
    expect(cached).toHaveLength(5);
  });

  it("a second user of the same account lands as a member", async () => {
    await loggedInToAmocrm(USERS.manager);
    const page = await newPage();
    await signInWithAmocrm(page);
    await page.getByTestId("user-menu").filter({ hasText: "Сотрудник" }).waitFor();
    await page.getByTestId("user-menu").filter({ hasText: "Алексей Смирнов" }).waitFor();
    await shot(page, "signin-amocrm-member.png");
    expect(await roleOf(USERS.manager)).toBe("member");
    expect(await roleOf(USERS.admin)).toBe("owner");
  });

  it("a callback whose referer is outside amoCRM is refused: error page, no tenant, no request there", async () => {
    // A listening "account host" that must never see our code or client secret.
    const seen: string[] = [];
    const evil: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end("{}");
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    const evilHost = `127.0.0.1:${(evil.address() as AddressInfo).port}`;
    try {
      const before = (await app.db.db.select().from(tenants)).length;
      const page = await newPage();
      await openConsent(page);
      const state = new URL(page.url()).searchParams.get("state") ?? "";
      expect(state).not.toBe("");
      const { code } = (await control("oauth/code", {
        subdomain: "other",
        redirect_uri: `${app.url}/api/auth/callback/amocrm`,
      })) as { code: string };
      const callback = new URL(`${app.url}/api/auth/callback/amocrm`);
      callback.search = new URLSearchParams({
        code,
        state,
        referer: `${evilHost}/a/other`,
        platform: "1",
      }).toString();
      await page.goto(callback.toString());
      await page.waitForURL("**/login?**error=OAuthCallback");
      await page.getByTestId("login-error").filter({ hasText: "amoCRM не подтвердила вход" }).waitFor();
      await shot(page, "signin-amocrm-refused.png");

      expect(seen).toEqual([]);
      expect((await app.db.db.select().from(tenants)).length).toBe(before);
      const other = await app.db.db.select().from(tenants).where(eq(tenants.amocrmAccountId, OTHER_ACCOUNT));
      expect(other).toEqual([]);
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });

  it("a revoked refresh token puts the tenant in needs_reconnect with the banner; the owner's sign-in clears it", async () => {
    const { amocrmClientFor } = await import("@/server/connections/amocrm");
    const { TenantNeedsReconnectError } = await import("@/server/connections/amocrm-tokens");
    await editState((s) => {
      for (const tok of [...s.access_tokens, ...s.refresh_tokens]) tok.dead = true;
    });
    // The tenant's next amoCRM call (made here with the portal's own client and database).
    const tenant = (await demoTenant())!;
    await expect(amocrmClientFor(app.db.db, tenant).getAccount()).rejects.toBeInstanceOf(
      TenantNeedsReconnectError,
    );
    expect((await demoTenant())?.status).toBe("needs_reconnect");

    await ownerPage.reload();
    await ownerPage.getByTestId("tenant-banner").filter({ hasText: "Подключите amoCRM заново" }).waitFor();
    await shot(ownerPage, "signin-amocrm-needs-reconnect.png");

    // The owner signs in with amoCRM again (a fresh browser session: /login sends a signed-in user on).
    await loggedInToAmocrm(USERS.admin);
    const again = await newPage();
    await signInWithAmocrm(again);
    await again.getByTestId("user-menu").filter({ hasText: "Владелец" }).waitFor();
    expect((await demoTenant())?.status).toBe("active");
    await ownerPage.reload();
    await ownerPage.getByTestId("tenant-name").filter({ hasText: "Демо-компания" }).waitFor();
    expect(await ownerPage.getByTestId("tenant-banner").count()).toBe(0);
    // The fresh tokens work again.
    expect((await amocrmClientFor(app.db.db, (await demoTenant())!).getAccount()).id).toBe(DEMO_ACCOUNT);
  });

  it("amoCRM's uninstall hook: a forged call gets 401, the signed one disconnects the tenant", async () => {
    const tenant = (await demoTenant())!;
    const forged = new URL(`${app.url}/api/amocrm/uninstall`);
    forged.search = new URLSearchParams({
      account_id: String(DEMO_ACCOUNT),
      client_uuid: "5f3c1e2a-7b4d-4c8e-9a1f-2d3b4c5d6e7f",
      signature: "f".repeat(64),
    }).toString();
    expect((await fetch(forged)).status).toBe(401);
    expect((await demoTenant())?.status).toBe("active");
    expect(await hasAmocrmTokens(tenant.id)).toBe(true);

    // The admin switches the integration off in amoCRM: the emulator calls our registered hook.
    const r = (await control("uninstall", { subdomain: "demo" })) as { status: number };
    expect(r.status).toBe(200);
    expect((await demoTenant())?.status).toBe("disconnected");
    expect(await hasAmocrmTokens(tenant.id)).toBe(false);

    await ownerPage.reload();
    await ownerPage
      .getByTestId("tenant-banner")
      .filter({ hasText: "Интеграция отключена от amoCRM" })
      .waitFor();
    await shot(ownerPage, "signin-amocrm-disconnected.png");
  });
});
