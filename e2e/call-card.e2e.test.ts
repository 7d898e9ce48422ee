// Acceptance 6 (issue 6, call card): on the amoCRM emulator's stand-in page, signed in as the user paired
// with extension 101, the Amango widget shows the card when the MANGO emulator rings 101, with the seeded
// contact's name; the tab of a user paired with another extension shows nothing. Screenshot:
// test-results/artifacts/call-card.png. A Contact Center campaign autocall shows the campaign task's client and
// opens the contact's deal in a new tab: test-results/artifacts/call-card-campaign.png.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { employeeLinks, integrationSettings, mangoEmployees, type Tenant } from "@/db/schema";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  type RunningAmocrmEmulator,
  startAmocrmEmulator,
} from "@/emulators/amocrm/server";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { exchangeCode } from "@/server/amocrm/oauth";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { createMangoClient } from "@/server/mango/api";
import { connectMango } from "@/server/onboarding/mango-connect";
import { createTenant } from "@/server/tenancy/queries";
import { unpackWidgetZip } from "@/server/widget/package";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

// Secrets sealed by this process (tokens, the MANGO key) must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

/** Extension → amoCRM user (emulator seed: Алексей Смирнов, Ольга Кузнецова). */
const RINGING_USER = 8238874;
const OTHER_USER = 32321;
const PAIRS: Record<string, number> = { "101": RINGING_USER, "102": OTHER_USER };

let amo: RunningAmocrmEmulator;
let mango: MangoEmulator;
let app: AppServer;
let widgetServer: Server;
let widgetUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
let tenant: Tenant;

async function serveWidget(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    const file = path.join(dir, rel);
    try {
      if (!file.startsWith(dir)) throw new Error("outside");
      const type = file.endsWith(".js")
        ? "text/javascript"
        : file.endsWith(".json")
          ? "application/json"
          : "image/png";
      res
        .writeHead(200, { "content-type": type, "access-control-allow-origin": "*" })
        .end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/amango` };
}

const post = (base: string, p: string, body: unknown) =>
  fetch(`${base}/__control/${p}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());

/** The stand-in amoCRM page of one user, in its own browser context (the emulator's session cookie is per user). */
async function amocrmTabOf(userId: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (m) => console.log(`[tab ${userId}] ${m.type()}: ${m.text()}`));
  page.on("requestfailed", (r) => console.log(`[tab ${userId}] failed ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(
    `${amo.url}/a/demo/__widget-host?widget=${encodeURIComponent(widgetUrl)}&client_id=${DEMO_CLIENT_ID}&user_id=${userId}`,
  );
  await page.locator("#host-status", { hasText: "загружен" }).waitFor({ timeout: 15_000 });
  // The widget marks the page once its card stream is subscribed.
  await expect
    .poll(() => page.locator("html").getAttribute("data-amango-calls"), { timeout: 15_000 })
    .toBe("open");
  return page;
}

beforeAll(async () => {
  [amo, mango] = await Promise.all([startAmocrmEmulator({ port: 0 }), startMangoEmulator({ port: 0 })]);
  app = await startAppServer({
    env: {
      AMOCRM_CLIENT_ID: DEMO_CLIENT_ID,
      AMOCRM_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      AMOCRM_EMULATOR_URL: amo.url,
      MANGO_API_URL: `${mango.url}/vpbx`,
      ENCRYPTION_KEY,
    },
    seed: async (db) => {
      tenant = await createTenant(db, {
        amocrmAccountId: DEMO_ACCOUNT_ID,
        amocrmSubdomain: "demo",
        amocrmBaseUrl: `${amo.url}/a/demo`,
        name: "Демо-компания (эмулятор)",
      });
    },
  });
  const db = app.db.db;
  // Disposable tokens carry the portal's origin as `aud`: the integration's redirect URI is the portal's.
  const redirectUri = `${app.url}/api/auth/callback/amocrm`;
  await post(amo.url, "integrations", { client_id: DEMO_CLIENT_ID, redirect_uris: [redirectUri] });
  const { code } = (await post(amo.url, "oauth/code", { subdomain: "demo", client_id: DEMO_CLIENT_ID })) as {
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
  await saveAmocrmTokens(db, { tenantId: tenant.id, tokens });
  const connected = await connectMango(
    db,
    { tenantId: tenant.id, actorUserId: null, apiKey: "demo-vpbx-key", salt: "demo-vpbx-salt" },
    { baseUrl: `${mango.url}/vpbx` },
  );
  if (!connected.ok) throw new Error("MANGO did not connect");
  // Connecting synced the PBX's employees; pair them as the Сотрудники page would.
  for (const [extension, amoUserId] of Object.entries(PAIRS)) {
    const [e] = await db
      .select()
      .from(mangoEmployees)
      .where(and(eq(mangoEmployees.tenantId, tenant.id), eq(mangoEmployees.extension, extension)));
    if (!e) throw new Error(`the MANGO emulator has no extension ${extension}`);
    await db
      .insert(employeeLinks)
      .values({ tenantId: tenant.id, mangoEmployeeId: e.id, amoUserId, source: "manual" });
  }
  await post(mango.url, "webhook", { url: `${app.url}/api/mango/${tenant.webhookKey}` });
  await post(mango.url, "clock", { freeze: true });

  const zip = await fetch(`${app.url}/api/widget/download`);
  expect(zip.status).toBe(200);
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "amango-card-e2e-")), "amango");
  for (const [name, bytes] of unpackWidgetZip(new Uint8Array(await zip.arrayBuffer()))) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  ({ server: widgetServer, url: widgetUrl } = await serveWidget(path.dirname(dir)));
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await new Promise((r) => (widgetServer ? widgetServer.close(r) : r(undefined)));
  await app?.stop();
  await Promise.all([amo?.close(), mango?.close()]);
});

describe("call card in the amoCRM tab of the paired user", () => {
  it("appears on the ring with the seeded contact, follows answer and hangup, and stays off another user's tab", async () => {
    const [ringing, other] = await Promise.all([amocrmTabOf(RINGING_USER), amocrmTabOf(OTHER_USER)]);
    // Иван Иванов (+79161234567, contact 3) calls; only 101 rings.
    const { entry_id } = (await post(mango.url, "scenarios", {
      type: "incoming",
      from: "+79161234567",
      ring: ["101"],
      answeredBy: "101",
      ringSeconds: 8,
      talkSeconds: 30,
    })) as { entry_id: string };
    // Past the IVR (5 s), into the ring: events/call Appeared on 101.
    await post(mango.url, "clock", { advance: 6_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);

    const card = ringing.locator(`.amango-call-card[data-entry-id="${entry_id}"]`);
    await card.locator(".amango-card-contact", { hasText: "Иван Иванов" }).waitFor({ timeout: 10_000 });
    expect(await card.getAttribute("data-state")).toBe("ringing");
    expect(await card.locator(".amango-card-header").textContent()).toContain("Входящий звонок");
    expect(await card.locator(".amango-card-phone").textContent()).toBe("+79161234567");
    // The contact comes with amoCRM's first answer; its deals follow on the next card (one round trip each).
    await card.locator(".amango-card-deal").first().waitFor({ timeout: 10_000 });
    expect(await card.locator(".amango-card-deal").count()).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await ringing.screenshot({ path: path.join(ARTIFACTS_DIR, "call-card.png"), fullPage: true });

    // Answered, then hung up: the same card changes state.
    await post(mango.url, "clock", { advance: 10_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    await ringing.locator(`.amango-call-card[data-entry-id="${entry_id}"][data-state=answered]`).waitFor();
    await post(mango.url, "clock", { advance: 60_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    await ringing.locator(`.amango-call-card[data-entry-id="${entry_id}"][data-state=ended]`).waitFor();

    // The other user's tab had its stream open the whole time and got nothing.
    expect(await other.locator("html").getAttribute("data-amango-calls")).toBe("open");
    expect(await other.locator(".amango-call-card").count()).toBe(0);
    await other.screenshot({ path: path.join(ARTIFACTS_DIR, "call-card-other-user.png"), fullPage: true });
  });

  it("offers «Новый клиент» for an unknown number and creates the contact from the card", async () => {
    const tab = await amocrmTabOf(RINGING_USER);
    const { entry_id } = (await post(mango.url, "scenarios", {
      type: "incoming",
      from: "+79990007788",
      ring: ["101"],
    })) as { entry_id: string };
    await post(mango.url, "clock", { advance: 6_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    const card = tab.locator(`.amango-call-card[data-entry-id="${entry_id}"]`);
    await card.locator(".amango-card-new", { hasText: "Новый клиент" }).waitFor({ timeout: 10_000 });
    await card.locator(".amango-card-create-contact").click();
    // The card now names the contact amoCRM created (MANGO's naming: «Новый клиент HH:MM DD.MM.YYYY»).
    await card.locator(".amango-card-contact", { hasText: "Новый клиент" }).waitFor({ timeout: 10_000 });
    await tab.screenshot({ path: path.join(ARTIFACTS_DIR, "call-card-new-client.png"), fullPage: true });
    const state = (await fetch(`${amo.url}/__control/state`).then((r) => r.json())) as {
      accounts: { demo: { contacts: { custom_fields_values?: { values: { value?: string }[] }[] }[] } };
    };
    const withNumber = state.accounts.demo.contacts.filter((c) =>
      (c.custom_fields_values ?? []).some((f) =>
        f.values.some((v) => String(v.value).endsWith("9990007788")),
      ),
    );
    expect(withNumber).toHaveLength(1);
  });

  it("shows a Contact Center campaign call with the task's client and opens the contact's deal in a new tab, once", async () => {
    const settings = settingsDocumentSchema.parse({
      extra: { contactCenter: { enabled: true, dpTasks: { enabled: true, openDealInNewTab: true } } },
    });
    await app.db.db
      .insert(integrationSettings)
      .values({ tenantId: tenant.id, settings })
      .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
    // Campaign 56919 «Заявки с сайта» (active, endless) gets Иван Иванов's number as a task.
    const mangoApi = createMangoClient({
      baseUrl: `${mango.url}/vpbx`,
      apiKey: "demo-vpbx-key",
      salt: "demo-vpbx-salt",
    });
    const { taskId } = await mangoApi.addCampaignTask({
      campaignId: 56919,
      number: "+79161234567",
      name: "Иванов Иван (из кампании)",
      comment: "Продлить поставку",
    });
    const tab = await amocrmTabOf(RINGING_USER);
    const popups: Page[] = [];
    tab.on("popup", (p) => popups.push(p));
    const { entry_id } = (await post(mango.url, "scenarios", {
      type: "campaign",
      campaignId: 56919,
      taskId,
      operator: "101",
    })) as { entry_id: string };
    // MANGO's dialler rings the operator first (dial mode «сначала оператору»).
    await post(mango.url, "clock", { advance: 1_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);

    const card = tab.locator(`.amango-call-card[data-entry-id="${entry_id}"]`);
    await card.locator(".amango-card-contact", { hasText: "Иван Иванов" }).waitFor({ timeout: 10_000 });
    expect(await card.locator(".amango-card-header").textContent()).toContain("Автозвонок кампании");
    expect(await card.locator(".amango-card-campaign-name").textContent()).toContain("Заявки с сайта");
    expect(await card.locator(".amango-card-campaign-client").textContent()).toContain(
      "Иванов Иван (из кампании)",
    );
    expect(await card.locator(".amango-card-campaign-comment").textContent()).toContain("Продлить поставку");
    await expect.poll(() => popups.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => popups[0]!.url(), { timeout: 10_000 }).toMatch(/\/leads\/detail\/167353$/);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await tab.screenshot({ path: path.join(ARTIFACTS_DIR, "call-card-campaign.png"), fullPage: true });

    // The operator answers: the card follows, and the deal is not opened a second time.
    await post(mango.url, "clock", { advance: 3_000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    await tab.locator(`.amango-call-card[data-entry-id="${entry_id}"][data-state=answered]`).waitFor();
    expect(popups).toHaveLength(1);
  });
});
