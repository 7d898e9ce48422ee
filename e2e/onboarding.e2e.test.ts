// "Обзор" against the MANGO emulator: the onboarding checklist, connecting MANGO OFFICE (a wrong salt is
// refused and saves nothing; the right pair lists the employees) and «Проверить» turning green on an event.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { and, eq, like } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mangoConnections, tenantSecrets } from "@/db/schema";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

const KEY = "demo-vpbx-key";
const SALT = "demo-vpbx-salt";

let app: AppServer;
let browser: Browser;
let context: BrowserContext;
/** One signed-in page shared by the steps below, in order: refused, connected, events arriving. */
let page: Page;
const browserErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });

function emulator() {
  if (!app.mango) throw new Error("the MANGO emulator is not running");
  return app.mango;
}

async function control(route: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${emulator().url}/__control/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function demoEmployeeCount(): Promise<number> {
  const state = (await (await fetch(`${emulator().url}/__control/state`)).json()) as {
    pbxes: { id: string; employees: unknown[] }[];
  };
  const demo = state.pbxes.find((p) => p.id === "demo");
  if (!demo) throw new Error("no demo PBX in the emulator");
  return demo.employees.length;
}

/** What the tenant has stored about MANGO: the connection row and the sealed key and salt. */
async function storedMango() {
  const { tenantId } = app.seed;
  const connections = await app.db.db
    .select()
    .from(mangoConnections)
    .where(eq(mangoConnections.tenantId, tenantId));
  const secrets = await app.db.db
    .select({ kind: tenantSecrets.kind })
    .from(tenantSecrets)
    .where(and(eq(tenantSecrets.tenantId, tenantId), like(tenantSecrets.kind, "mango.%")));
  return { connections, secrets: secrets.map((s) => s.kind).sort() };
}

async function fillAndConnect(apiKey: string, salt: string) {
  const form = page.getByTestId("mango-connect-form");
  await form.getByLabel("Ключ API").fill(apiKey);
  await form.getByLabel("Соль", { exact: true }).fill(salt);
  await form.getByRole("button", { name: "Подключить" }).click();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  app = await startAppServer({ mango: true });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL: app.url,
    locale: "ru-RU",
  });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => browserErrors.push(`pageerror ${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") browserErrors.push(`console ${page.url()}: ${msg.text()}`);
  });
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${app.seed.owner.name}` }).click();
  await page.waitForURL("**/overview");
});

afterEach(() => {
  const errors = browserErrors.splice(0);
  expect(errors, "errors in the browser console").toEqual([]);
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await app?.stop();
});

describe("Обзор: onboarding", () => {
  it("shows the checklist with progress and a fix link for each open step", async () => {
    await page.getByRole("heading", { level: 1, name: "Обзор" }).waitFor();
    const items = page.getByTestId("checklist-item");
    await items.nth(5).waitFor();
    await expect(items.count()).resolves.toBe(6);
    const mango = items.and(page.locator('[data-key="mango"]'));
    await expect(mango.getAttribute("data-done")).resolves.toBe("false");
    await expect(mango.getByRole("link", { name: "Ввести ключ" }).getAttribute("href")).resolves.toBe(
      "/overview#mango",
    );
    await expect(page.getByTestId("checklist-progress").textContent()).resolves.toMatch(/^\d из 6$/);
    await expect(page.getByTestId("mango-card").getAttribute("data-connected")).resolves.toBe("false");
    // Each open step's link lands on the card that completes it.
    for (const id of ["mango", "cc-fields", "widget"]) await page.locator(`#${id}`).waitFor();
  });

  it("a wrong salt shows the Russian error under «Соль» and saves nothing", async () => {
    await control("reset", {});
    await fillAndConnect(KEY, "wrong-salt-123");
    const error = page.getByTestId("mango-salt-error");
    await error.waitFor();
    await expect(error.textContent()).resolves.toBe("Неверная подпись — проверьте соль");
    await expect(page.getByTestId("mango-api-key-error").count()).resolves.toBe(0);
    await expect(storedMango()).resolves.toEqual({ connections: [], secrets: [] });
    await page
      .getByTestId("mango-card")
      .screenshot({ path: path.join(ARTIFACTS_DIR, "mango-wrong-salt.png") });

    await page.reload();
    await page.getByTestId("mango-connect-form").waitFor();
    await expect(page.getByTestId("mango-card").getAttribute("data-connected")).resolves.toBe("false");
    await expect(page.getByTestId("mango-status").textContent()).resolves.toBe("Не подключено");
  });

  it("the right key and salt connect and show the employees count", async () => {
    await control("reset", {}); // the emulator locks a key out after a second bad request
    const employees = await demoEmployeeCount();
    await fillAndConnect(KEY, SALT);
    const connected = page.getByTestId("mango-connected");
    await connected.waitFor();
    await expect(connected.textContent()).resolves.toContain(`Подключено: ${employees} сотрудников`);
    await expect(page.getByTestId("mango-card").getAttribute("data-connected")).resolves.toBe("true");
    await expect(page.getByTestId("mango-key-hint").textContent()).resolves.toBe("demo…-key");
    const stored = await storedMango();
    expect(stored.connections.map((c) => c.status)).toEqual(["connected"]);
    expect(stored.secrets).toEqual(["mango.api_key", "mango.api_salt"]);
    await page.locator('[data-testid="checklist-item"][data-key="mango"][data-done="true"]').waitFor();
  });

  it("«Проверить» waits for a signed event from the PBX and turns green", async () => {
    const url = await page.getByTestId("mango-webhook-url").inputValue();
    const prefix = `${app.url}/api/mango/`;
    expect(url.startsWith(prefix)).toBe(true);
    const webhookKey = url.slice(prefix.length);
    expect(webhookKey).toMatch(/^[\w-]{16,}$/);
    await expect(page.getByTestId("mango-webhook").textContent()).resolves.toContain("Адрес внешней системы");
    await control("webhook", { url: `${app.url}/api/mango/${webhookKey}` });

    await page.getByTestId("mango-check").click();
    await page.locator('[data-testid="mango-events"][data-phase="waiting"]').waitFor();
    await control("scenarios", {
      type: "incoming",
      from: "+79991234567",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 5,
      instant: true,
    });
    const ok = page.getByTestId("mango-events-ok");
    await ok.waitFor({ timeout: 60_000 });
    await expect(ok.textContent()).resolves.toBe("События приходят");
    await page.locator('[data-testid="checklist-item"][data-key="events"][data-done="true"]').waitFor();
    // Tall enough that nothing scrolls under the sticky header while capturing.
    await page.setViewportSize({ width: 1366, height: 1800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page
      .getByTestId("mango-card")
      .screenshot({ path: path.join(ARTIFACTS_DIR, "mango-connected.png") });
    await shot("onboarding-checklist.png");
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it("a member sees the MANGO status only: no key form, no events address, no «Проверить»", async () => {
    const memberContext = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      baseURL: app.url,
      locale: "ru-RU",
    });
    try {
      const member = await memberContext.newPage();
      member.setDefaultTimeout(20_000);
      member.on("pageerror", (err) => browserErrors.push(`pageerror ${member.url()}: ${err.message}`));
      await member.goto("/login");
      await member.getByRole("button", { name: `Войти как ${app.seed.member.name}` }).click();
      await member.waitForURL("**/overview");
      const card = member.getByTestId("mango-card");
      await card.getByText("Подключать MANGO OFFICE и менять ключ может администратор.").waitFor();
      await expect(member.getByTestId("mango-status").textContent()).resolves.toBe("Подключено");
      await expect(member.getByTestId("mango-key-hint").textContent()).resolves.toBe("demo…-key");
      for (const testId of ["mango-connect-form", "mango-webhook", "mango-check"]) {
        await expect(member.getByTestId(testId).count(), testId).resolves.toBe(0);
      }
      await expect(card.getByRole("button", { name: "Изменить ключ" }).count()).resolves.toBe(0);
      await expect(card.getByRole("button", { name: "Отключить АТС" }).count()).resolves.toBe(0);
    } finally {
      await memberContext.close();
    }
  });

  it("the owner disconnects the PBX after confirming: key and salt wiped, the form is back", async () => {
    await page.goto("/overview#mango");
    const card = page.getByTestId("mango-card");
    await card.getByRole("button", { name: "Отключить АТС" }).click();
    const dialog = page.getByTestId("mango-disconnect-dialog");
    await dialog
      .getByText("После отключения эту АТС можно подключить к другой компании.", { exact: false })
      .waitFor();
    await dialog.screenshot({ path: path.join(ARTIFACTS_DIR, "mango-disconnect-confirm.png") });
    // Cancelling changes nothing.
    await dialog.getByRole("button", { name: "Отмена" }).first().click();
    await dialog.waitFor({ state: "detached" });
    expect((await storedMango()).secrets).toEqual(["mango.api_key", "mango.api_salt"]);

    await card.getByRole("button", { name: "Отключить АТС" }).click();
    await page.getByTestId("mango-disconnect-confirm").click();
    await page.getByTestId("mango-connect-form").waitFor();
    await expect(card.getAttribute("data-connected")).resolves.toBe("false");
    await expect(page.getByTestId("mango-status").textContent()).resolves.toBe("Не подключено");
    expect(await storedMango()).toEqual({ connections: [], secrets: [] });
  });
});
