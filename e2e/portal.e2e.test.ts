import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "@/db/schema";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

let app: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Uncaught page errors and console errors (hydration mismatches show up here). */
const browserErrors: string[] = [];

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 860 },
    baseURL: app.url,
    locale: "ru-RU",
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => browserErrors.push(`pageerror ${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") browserErrors.push(`console ${page.url()}: ${msg.text()}`);
  });
  return page;
}

/** The development sign-in as the seeded owner; lands on Обзор. */
async function signIn(page: Page): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${app.seed.owner.name}` }).click();
  await page.waitForURL("**/overview");
  await page.getByTestId("tenant-name").filter({ hasText: app.seed.tenantName }).waitFor();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  app = await startAppServer();
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

describe("portal", () => {
  it("renders the landing page in Russian and switches to English", async () => {
    const page = await newPage();
    await page.goto("/");
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("ru");
    await page.getByRole("heading", { level: 1, name: "Телефония MANGO OFFICE внутри amoCRM" }).waitFor();
    await page.getByRole("link", { name: "Войти" }).first().waitFor();
    await shot(page, "landing-ru.png");

    await page.getByTestId("locale-switch").getByRole("button", { name: "EN" }).click();
    await page.getByRole("heading", { level: 1, name: "MANGO OFFICE telephony inside amoCRM" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    await shot(page, "landing-en.png");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "landing-en-mobile.png");
    await page.setViewportSize({ width: 1366, height: 860 });

    // The choice is a cookie: it survives a reload, and switching back restores Russian.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "MANGO OFFICE telephony inside amoCRM" }).waitFor();
    await page.getByTestId("locale-switch").getByRole("button", { name: "RU" }).click();
    await page.getByRole("heading", { level: 1, name: "Телефония MANGO OFFICE внутри amoCRM" }).waitFor();
  });

  it("signs in through the development path and shows the signed-in shell", async () => {
    const page = await newPage();
    await page.goto("/overview");
    await page.waitForURL("**/login");
    await page.getByTestId("dev-sign-in").waitFor();
    await expect(page.getByTestId("amocrm-sign-in").getAttribute("aria-disabled")).resolves.toBe("true");
    await shot(page, "login.png");

    await signIn(page);
    await page.getByRole("heading", { level: 1, name: "Обзор" }).waitFor();
    for (const item of ["Обзор", "Журнал", "Правила", "Сотрудники", "Настройки"]) {
      await page.getByRole("link", { name: item, exact: true }).waitFor();
    }
    await page.getByTestId("user-menu").filter({ hasText: "Владелец" }).waitFor();
    await page.getByTestId("onboarding-checklist").waitFor();
    await shot(page, "signed-in-shell.png");

    // Narrow screens: the sidebar folds into a menu sheet.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Меню" }).click();
    await page.getByRole("dialog").getByRole("link", { name: "Журнал", exact: true }).click();
    await page.waitForURL("**/journal");
    await page.getByTestId("journal-outcome").first().waitFor();
    await shot(page, "journal-mobile.png");
  });

  it("shows the failed job in Журнал and retries it", async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Журнал", exact: true }).click();
    await page.waitForURL("**/journal");

    // The owner's view: the failed run is one row, its reason as recorded (Russian already).
    const outcome = page.getByTestId("journal-outcome").filter({ hasText: app.seed.failed.reason });
    await outcome.waitFor();
    await expect(outcome.getAttribute("data-state")).resolves.toBe("failed");
    await expect(outcome.getByTestId("outcome-title").textContent()).resolves.toBe("Очистка журнала");

    // The technical journal, one click away, lists every entry as recorded.
    await page.getByTestId("journal-tab-technical").click();
    await page.waitForURL("**/journal?view=technical");
    const failed = page.getByTestId("journal-row").filter({ hasText: app.seed.failed.reason });
    await failed.waitFor();
    await expect(failed.getAttribute("data-status")).resolves.toBe("failed");
    await expect(failed.textContent()).resolves.toContain("Очистка журнала");
    await expect(page.getByTestId("journal-row").count()).resolves.toBeGreaterThanOrEqual(4);
    await shot(page, "journal.png");

    // Filters: status "Ошибка" leaves only the failed run; "Сбросить" brings the rest back.
    await page.getByTestId("filter-status").click();
    await page.getByRole("menuitemcheckbox", { name: "Ошибка" }).click();
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="journal-row"]')];
      return rows.length === 1 && rows[0]!.getAttribute("data-status") === "failed";
    });
    await page.getByRole("button", { name: "Сбросить" }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="journal-row"]').length >= 4);

    const id = await failed.getAttribute("data-id");
    await failed.click();
    const detail = page.getByTestId("journal-detail");
    await detail.getByTestId("detail-reason").filter({ hasText: app.seed.failed.reason }).waitFor();
    await detail.getByText("3 из 3").waitFor();
    await page.waitForTimeout(400); // let the sheet finish sliding in
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "journal-detail.png") });

    await detail.getByTestId("retry").click();
    // The local job driver inside the server picks the run up again: the entry leaves `failed`.
    const row = page.locator(`[data-testid="journal-row"][data-id="${id}"]`);
    await page.waitForFunction(
      (rowId) => {
        const el = document.querySelector(`[data-testid="journal-row"][data-id="${rowId}"]`);
        return el !== null && el.getAttribute("data-status") !== "failed";
      },
      id,
      { timeout: 30_000 },
    );
    const status = await row.getAttribute("data-status");
    expect(["queued", "running", "retrying", "done", "skipped"]).toContain(status);
    await page.keyboard.press("Escape");
    // For the screenshot only: give the driver a moment to finish the run (not asserted).
    await row
      .filter({ hasText: "Готово" })
      .waitFor({ timeout: 12_000 })
      .catch(() => {});
    await shot(page, "journal-after-retry.png");
  });

  it("warns when amoCRM must be reconnected and lets the owner grant admin in Настройки", async () => {
    await app.db.db
      .update(tenants)
      .set({ status: "needs_reconnect" })
      .where(eq(tenants.id, app.seed.tenantId));
    try {
      const page = await newPage();
      await signIn(page);
      await page.getByTestId("tenant-banner").filter({ hasText: "Подключите amoCRM заново" }).waitFor();

      await page.getByRole("link", { name: "Настройки", exact: true }).click();
      await page.waitForURL("**/settings");
      const ivan = page.getByRole("row").filter({ hasText: "Иван Петров" });
      await ivan.getByTestId("member-role").filter({ hasText: "Сотрудник" }).waitFor();
      await ivan.getByRole("switch").click();
      await ivan.getByTestId("member-role").filter({ hasText: "Администратор" }).waitFor();
      await expect(ivan.getByRole("switch").getAttribute("aria-checked")).resolves.toBe("true");
      await shot(page, "settings.png");
    } finally {
      await app.db.db.update(tenants).set({ status: "active" }).where(eq(tenants.id, app.seed.tenantId));
    }
  });
});
