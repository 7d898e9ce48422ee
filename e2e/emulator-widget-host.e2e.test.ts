// The amoCRM emulator's widget host loads a widget package (manifest.json + i18n + AMD script.js) like amoCRM's
// front end and shows a call notification raised through APP.notifications.add_call.

import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMOCRM_SAMPLES } from "@/test/fixtures";
import { type RunningAmocrmEmulator, startAmocrmEmulator } from "../emulators/amocrm/server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

const SAMPLES = AMOCRM_SAMPLES;

let emu: RunningAmocrmEmulator;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  emu = await startAmocrmEmulator({ port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  const widget = `${emu.url}/__fixtures/minimal-widget`;
  const settings = encodeURIComponent(JSON.stringify({ api_key: "k-123" }));
  await page.goto(
    `${emu.url}/a/demo/__widget-host?widget=${encodeURIComponent(widget)}&settings=${settings}`,
  );
  await page.locator("#host-status", { hasText: "загружен" }).waitFor({ timeout: 15_000 });
});

afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

describe("amoCRM emulator widget host", () => {
  it("renders the widget with its i18n name and settings", async () => {
    expect(await page.locator(".amango-widget b").textContent()).toBe("Amango (тестовый виджет)");
    expect(await page.locator(".amango-key").textContent()).toBe("key: k-123");
  });

  it("shows a call notification raised via APP.notifications.add_call", async () => {
    await page.locator(".amango-call").click();
    const note = page.locator(".notification-call", { hasText: "Звонок от +7(999)888 55 33" });
    await note.waitFor({ state: "visible", timeout: 5000 });
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "emulator-widget-call.png") });
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain("От: Петрова Анна");
    expect(await note.textContent()).toContain("Кому: Анна Администратова");
  });

  it("runs the documented notification snippets (reference samples)", async () => {
    for (const file of [
      "notifications-add_call.js",
      "notifications-add_call-click_link.js",
      "notifications-show_notification-call.js",
    ]) {
      await page.evaluate(readFileSync(path.join(SAMPLES, file), "utf8"));
    }
    await page
      .locator(".notification-call", { hasText: "Набор номера +79876543210" })
      .waitFor({ state: "visible" });
    const widgetHelper = readFileSync(path.join(SAMPLES, "telephony-add_call_notify-widget.js"), "utf8");
    await page.evaluate(`((self) => { ${widgetHelper} })(window.__WIDGET__)`);
    const calls = await page.evaluate(
      () => (window as unknown as { __NOTIFICATIONS__: unknown[] }).__NOTIFICATIONS__.length,
    );
    expect(calls).toBe(5);
    expect(await page.locator(".notification-call", { hasText: "Вам звонит:" }).count()).toBe(1);
  });

  it("opens the settings and DP settings areas with the widget's iframes and saves settings", async () => {
    await page.locator("#open-settings").click();
    await page.locator("#settings-area iframe.amango-settings-frame").waitFor({ state: "visible" });
    await page.locator("#settings-area input[name=api_key]").fill("k-456");
    await page.locator("#save-settings").click();
    await page.locator(".notification", { hasText: "Настройки сохранены" }).waitFor({ state: "visible" });
    await page.locator("#open-dp-settings").click();
    await page.locator("#dp-settings-area iframe.amango-dp-frame").waitFor({ state: "visible" });
    expect(emu.emu.state.accounts.demo?.widgets.find((w) => w.code === "amango_minimal")?.settings).toEqual({
      api_key: "k-456",
      extensions: "",
    });
  });

  it("lets widget code call the account API same-origin with the browser session", async () => {
    const status = await page.evaluate(
      async () => (await fetch("/a/demo/api/v4/contacts?query=9161234567")).status,
    );
    expect(status).toBe(200);
  });
});
