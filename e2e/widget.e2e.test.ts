// The widget package end to end, where amoCRM really runs it: the portal builds widget.zip, the amoCRM
// emulator's stand-in page — on ANOTHER SITE than the portal (localhost vs 127.0.0.1) — loads it like amoCRM's
// front end, in a Chromium that blocks third-party cookies, and the widget's settings area shows the Amango
// iframe authenticated by amoCRM's disposable token (no cookie at all) for the tenant of the demo account.
// «Виджет установлен» on «Обзор» stays open until that page has really signed in.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import { exchangeCode } from "@/server/amocrm/oauth";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { onboardingChecklist } from "@/server/onboarding/checklist";
import { createTenant } from "@/server/tenancy/queries";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromiumProfile } from "./browser";
import {
  cookiesSent,
  crossSiteAmocrm,
  installPortalWidget,
  openStandIn,
  PROBE_COOKIE,
  standInUrl,
  watchPortalRequests,
} from "./widget-stand-in";

// Tokens sealed by this process must open in the portal's: both use this key.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
// With both secrets set this process never generates development secrets into the data dir.
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const TENANT_NAME = "Демо-компания (эмулятор)";

let amo: RunningAmocrmEmulator;
let app: AppServer;
let browser: Awaited<ReturnType<typeof launchChromiumProfile>>;
let page: Page;
let tenantId: string;
let portalRequests: Awaited<ReturnType<typeof watchPortalRequests>>;

const widgetStep = async () =>
  (await onboardingChecklist(app.db.db, { id: tenantId, status: "active" })).find((i) => i.key === "widget");

beforeAll(async () => {
  const amoOptions = crossSiteAmocrm();
  amo = await startAmocrmEmulator({ port: 0, ...amoOptions });
  app = await startAppServer({
    env: {
      AMOCRM_CLIENT_ID: DEMO_CLIENT_ID,
      AMOCRM_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      AMOCRM_EMULATOR_URL: amo.url,
      ENCRYPTION_KEY,
    },
    seed: async (db) => {
      const tenant = await createTenant(db, {
        amocrmAccountId: DEMO_ACCOUNT_ID,
        amocrmSubdomain: "demo",
        amocrmBaseUrl: `${amo.url}/a/demo`,
        name: TENANT_NAME,
      });
      tenantId = tenant.id;
    },
  });
  // Two sites: amoCRM's page on localhost, the portal (and so the iframe) on 127.0.0.1.
  expect(new URL(amo.url).hostname).toBe("localhost");
  expect(new URL(app.url).hostname).toBe("127.0.0.1");
  // The integration's redirect URI is the portal's: disposable tokens carry its origin as `aud`.
  const redirectUri = `${app.url}/api/auth/callback/amocrm`;
  const control = (p: string, body: unknown) =>
    fetch(`${amo.url}/__control/${p}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());
  await control("integrations", { client_id: DEMO_CLIENT_ID, redirect_uris: [redirectUri] });
  // A connected tenant: real tokens from the emulator's OAuth, stored the way sign-in stores them.
  const { code } = (await control("oauth/code", { subdomain: "demo", client_id: DEMO_CLIENT_ID })) as {
    code: string;
  };
  const tokens = await exchangeCode({
    baseUrl: `${amo.url}/a/demo`,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUri,
    code,
    emulatorBase: amo.url,
  });
  await saveAmocrmTokens(app.db.db, { tenantId, tokens });

  await installPortalWidget(app.url, amoOptions.widgetsDir);
  browser = await launchChromiumProfile({ blockThirdPartyCookies: true });
  portalRequests = await watchPortalRequests(browser.context, app.url);
  page = await browser.context.newPage();
  await openStandIn(page, standInUrl(amo.url, { client_id: DEMO_CLIENT_ID }));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await amo?.close();
});

describe("amoCRM widget on the stand-in page of another site, third-party cookies blocked", () => {
  it("runs the widget the emulator serves, with the portal's address baked in", async () => {
    const script = await fetch(`${amo.url}/__widgets/amango/script.js`).then((r) => r.text());
    expect(script).toContain(`const BUILT_APP_URL = "${app.url}";`);
  });

  it("shows the tenant in the settings iframe, sending no cookie, and only then marks the widget installed", async () => {
    // Before any widget page signed in, «Виджет установлен» is open.
    expect(await widgetStep()).toMatchObject({ done: false, detail: { installedAt: null } });

    await page.locator("#open-settings").click();
    const frame = page.frameLocator("iframe.amango-settings-frame");
    await expect
      .poll(() => frame.locator("[data-testid=widget-tenant-name]").textContent({ timeout: 15_000 }))
      .toBe(TENANT_NAME);
    expect(await frame.locator("[data-testid=widget-amocrm-state]").textContent()).toBe("Подключён");
    expect(await frame.locator("[data-testid=widget-mango-state]").textContent()).toBe("Не подключена");
    // The token left the frame's address as soon as the page read it.
    const settingsFrame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget/settings`));
    expect(settingsFrame?.url()).toBe(`${app.url}/widget/settings`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({
      path: path.join(ARTIFACTS_DIR, "widget-settings-3pc-blocked.png"),
      fullPage: true,
    });

    // The block is real: the browser holds a cookie of the portal's site, and no request from amoCRM's page
    // or its iframe carried it (nor any other cookie: the pages never needed one).
    const urls = portalRequests.map((r) => new URL(r.url()).pathname);
    expect(urls).toEqual(
      expect.arrayContaining(["/api/widget/session", "/widget/settings", "/widget/api/session"]),
    );
    expect(urls.some((u) => u.startsWith("/widget/api/trpc/widget.status"))).toBe(true);
    for (const cookie of await cookiesSent(portalRequests)) expect(cookie).not.toContain(PROBE_COOKIE);

    const step = await widgetStep();
    expect(step?.done).toBe(true);
    expect(step?.detail.installedAt).toEqual(expect.any(String));
  });

  it("without a stage from amoCRM, the Digital Pipeline settings say rules belong to a stage and offer no editor", async () => {
    await page.locator("#open-dp-settings").click();
    const frame = page.frameLocator("iframe.amango-dp-frame");
    await frame.locator("[data-testid=widget-dp]").waitFor({ timeout: 15_000 });
    expect(await frame.locator("[data-testid=widget-tenant-name]").textContent()).toBe(TENANT_NAME);
    expect(await frame.locator("[data-testid=widget-dp-stage]").textContent()).toContain("не передал");
    expect(await frame.locator("button, input[type=submit]").count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-dp-iframe.png"), fullPage: true });
  });

  it("shows no tenant data to a page without the token, and 401 to a forged token", async () => {
    const other = await browser.context.newPage();
    await other.goto(`${app.url}/widget/settings`);
    await other.locator("[data-testid=widget-no-session]").waitFor();
    expect(await other.content()).not.toContain(TENANT_NAME);
    // A token that is not amoCRM's: the page's exchange is refused and it shows nothing either.
    await other.goto(`${app.url}/widget/settings#token=e30.e30.forged`);
    await other.locator("[data-testid=widget-no-session]").waitFor();
    expect(await other.content()).not.toContain(TENANT_NAME);
    const forged = await other.goto(`${app.url}/widget/settings?token=e30.e30.forged`);
    expect(forged?.status()).toBe(401);
    await other.close();
  });
});

describe("the third-party cookie probe", () => {
  it("is sent by a browser that allows third-party cookies, so its absence above is the block", async () => {
    const allowing = await launchChromiumProfile({ blockThirdPartyCookies: false });
    try {
      const seen = await watchPortalRequests(allowing.context, app.url);
      const tab = await allowing.context.newPage();
      await openStandIn(tab, standInUrl(amo.url, { client_id: DEMO_CLIENT_ID }));
      await tab.locator("#open-settings").click();
      await tab.frameLocator("iframe.amango-settings-frame").locator("[data-testid=widget-status]").waitFor();
      const sent = await cookiesSent(seen.filter((r) => new URL(r.url()).pathname === "/widget/settings"));
      expect(sent.length).toBeGreaterThan(0);
      for (const cookie of sent) expect(cookie).toContain(PROBE_COOKIE);
    } finally {
      await allowing.close();
    }
  });
});
