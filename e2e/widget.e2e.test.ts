// The widget package end to end: the portal builds widget.zip, the amoCRM emulator's stand-in page loads it like
// amoCRM's front end, and the widget's settings area shows the Amango iframe authenticated by amoCRM's
// disposable token — for the tenant of the emulator's demo account.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmAccountState } from "@/db/schema";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import { exchangeCode } from "@/server/amocrm/oauth";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { createTenant } from "@/server/tenancy/queries";
import { unpackWidgetZip } from "@/server/widget/package";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

// Tokens sealed by this process must open in the portal's: both use this key.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
// With both secrets set this process never generates development secrets into the data dir.
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const TENANT_NAME = "Демо-компания (эмулятор)";

let amo: RunningAmocrmEmulator;
let app: AppServer;
let widgetServer: Server;
let widgetUrl: string;
let browser: Browser;
let page: Page;
let tenantId: string;

/** Serves the unpacked archive like any static host; the stand-in fetches manifest/i18n cross-origin. */
async function serveWidget(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    const file = path.join(dir, rel);
    try {
      if (!file.startsWith(dir)) throw new Error("outside");
      const body = await readFile(file);
      const type = file.endsWith(".js")
        ? "text/javascript"
        : file.endsWith(".json")
          ? "application/json"
          : "image/png";
      res.writeHead(200, { "content-type": type, "access-control-allow-origin": "*" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/amango` };
}

beforeAll(async () => {
  amo = await startAmocrmEmulator({ port: 0 });
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

  // What the portal offers for download, unpacked and served as amoCRM would host it.
  const zip = await fetch(`${app.url}/api/widget/download`);
  expect(zip.status).toBe(200);
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "amango-widget-e2e-")), "amango");
  for (const [name, bytes] of unpackWidgetZip(new Uint8Array(await zip.arrayBuffer()))) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  // Served from its parent so the directory name (the widget code on the stand-in) is in the URL.
  ({ server: widgetServer, url: widgetUrl } = await serveWidget(path.dirname(dir)));

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(
    `${amo.url}/a/demo/__widget-host?widget=${encodeURIComponent(widgetUrl)}&client_id=${DEMO_CLIENT_ID}`,
  );
  await page.locator("#host-status", { hasText: "загружен" }).waitFor({ timeout: 15_000 });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (widgetServer ? widgetServer.close(r) : r(undefined)));
  await app?.stop();
  await amo?.close();
});

describe("amoCRM widget on the emulator's stand-in page", () => {
  it("bakes the portal's address into the downloaded widget", async () => {
    const script = await fetch(`${widgetUrl}/script.js`).then((r) => r.text());
    expect(script).toContain(`const BUILT_APP_URL = "${app.url}";`);
  });

  it("shows the tenant in the settings iframe and marks the widget installed", async () => {
    await page.locator("#open-settings").click();
    const frame = page.frameLocator("iframe.amango-settings-frame");
    await expect
      .poll(() => frame.locator("[data-testid=widget-tenant-name]").textContent({ timeout: 15_000 }))
      .toBe(TENANT_NAME);
    expect(await frame.locator("[data-testid=widget-amocrm-state]").textContent()).toBe("Подключён");
    expect(await frame.locator("[data-testid=widget-mango-state]").textContent()).toBe("Не подключена");
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-settings-iframe.png"), fullPage: true });
    const [state] = await app.db.db
      .select()
      .from(amocrmAccountState)
      .where(eq(amocrmAccountState.tenantId, tenantId));
    expect(state?.widgetInstalledAt).toBeInstanceOf(Date);
  });

  it("without a stage from amoCRM, the Digital Pipeline settings say rules belong to a stage and offer no editor", async () => {
    await page.locator("#open-dp-settings").click();
    const frame = page.frameLocator("iframe.amango-dp-frame");
    await frame.locator("[data-testid=widget-dp]").waitFor({ timeout: 15_000 });
    expect(await frame.locator("[data-testid=widget-dp-stage]").textContent()).toContain("не передал");
    expect(await frame.locator("button, input[type=submit]").count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-dp-iframe.png"), fullPage: true });
  });

  it("shows no tenant data to a browser without the widget session, and 401 to a forged token", async () => {
    const other = await browser.newPage();
    await other.goto(`${app.url}/widget/settings`);
    await other.locator("[data-testid=widget-no-session]").waitFor();
    expect(await other.content()).not.toContain(TENANT_NAME);
    const forged = await other.goto(`${app.url}/widget/settings?token=e30.e30.forged`);
    expect(forged?.status()).toBe(401);
    await other.close();
  });
});
