// Issue 5, acceptance 4 and 9 in the browser: on Настройки a dependent flag appears only under its parent,
// the values survive a reload, a stage deleted in amoCRM (the emulator) is reported on save; screenshots of
// the three tabs in Russian. The seeded tenant is moved onto the emulators' demo accounts first.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "@/db/schema";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "@/emulators/amocrm/server";
import { DEMO_VPBX_API_KEY, DEMO_VPBX_API_SALT } from "@/emulators/mango/seed";
import { DEMO_LINE_MAIN, DEMO_LINE_TOLL_FREE } from "@/emulators/mango/seed-constants";
import { accountBaseUrlFromReferer, exchangeCode } from "@/server/amocrm/oauth";
import { env } from "@/server/config/env";
import { amocrmClientFor, saveAmocrmTokens } from "@/server/connections/amocrm";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { putSecret } from "@/server/secrets/store";
import { control } from "@/test/amocrm-emulator";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium } from "./browser";

let app: AppServer;
let browser: Browser;
const browserErrors: string[] = [];
/** The browser logs the deliberately refused save (HTTP 400) as a console error; it is counted, not failed. */
const REFUSED_SAVE = "the server responded with a status of 400";
let refusedSaves = 0;

/** The seeded tenant on the amoCRM emulator's demo account (tokens, cached directory) and on MANGO's. */
async function onboardOnEmulators() {
  const amo = app.amocrm!;
  const { body } = await control(amo, "/oauth/code", { subdomain: "demo" });
  const grant = body as { code: string; referer: string; redirect_uri: string };
  const baseUrl = accountBaseUrlFromReferer(grant.referer, { emulatorBase: amo.url })!;
  const pair = await exchangeCode({
    baseUrl,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUri: grant.redirect_uri,
    code: grant.code,
    emulatorBase: amo.url,
  });
  const db = app.db.db;
  const tenantId = app.seed.tenantId;
  const [tenant] = await db
    .update(tenants)
    .set({ amocrmBaseUrl: baseUrl })
    .where(eq(tenants.id, tenantId))
    .returning();
  await saveAmocrmTokens(db, { tenantId, tokens: pair });
  await putSecret(db, { tenantId, kind: "mango.api_key", value: DEMO_VPBX_API_KEY });
  await putSecret(db, { tenantId, kind: "mango.api_salt", value: DEMO_VPBX_API_SALT });
  await syncAmocrmDirectory(db, { tenantId, client: amocrmClientFor(db, tenant!) });
}

async function deleteStageInEmulator(pipelineId: number, statusId: number) {
  const { body } = await control(app.amocrm!, "/state", undefined, "GET");
  const state = body as {
    accounts: Record<string, { pipelines: { id: number; statuses: { id: number }[] }[] }>;
  };
  const pipeline = state.accounts.demo!.pipelines.find((p) => p.id === pipelineId)!;
  pipeline.statuses = pipeline.statuses.filter((s) => s.id !== statusId);
  expect((await control(app.amocrm!, "/seed", { state })).status).toBe(200);
}

async function settingsPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    baseURL: app.url,
    locale: "ru-RU",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => browserErrors.push(`pageerror ${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (msg.text().includes(REFUSED_SAVE)) refusedSaves++;
    else browserErrors.push(`console ${page.url()}: ${msg.text()}`);
  });
  // Reloading with unsaved changes asks (beforeunload): the tests that reload on purpose leave.
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${app.seed.owner.name}` }).click();
  await page.waitForURL("**/overview");
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Обработка звонков" }).waitFor();
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
const toggle = (page: Page, name: string) => page.getByRole("switch", { name, exact: true });
const checked = (page: Page, name: string) => toggle(page, name).getAttribute("aria-checked");

async function choose(page: Page, field: string, option: string) {
  await page.getByRole("combobox", { name: field, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // The portal opens the secrets this process seals: both use this process's key.
  app = await startAppServer({ amocrm: true, mango: true, env: { ENCRYPTION_KEY: env().ENCRYPTION_KEY } });
  await onboardOnEmulators();
  browser = await launchChromium();
});

afterEach(() => {
  expect(browserErrors.splice(0), "errors in the browser console").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Настройки → Основные настройки интеграции", () => {
  it("shows dependent flags only under their parent, keeps values across a reload, reports a deleted stage", async () => {
    const page = await settingsPage();

    // Обработка звонков: "Создавать сделку" exists only while its parent is on, and keeps its value.
    await expect(toggle(page, "Создавать сделку").count()).resolves.toBe(0);
    await toggle(page, "Создавать контакт при звонке на новый номер").click();
    await toggle(page, "Создавать сделку").click();
    await toggle(page, "Создавать контакт при звонке на новый номер").click();
    await expect(toggle(page, "Создавать сделку").count()).resolves.toBe(0);
    await toggle(page, "Создавать контакт при звонке на новый номер").click();
    await expect(checked(page, "Создавать сделку")).resolves.toBe("true");

    await choose(page, "Действие для нового клиента", "Создать контакт");
    await choose(page, "Воронка/этап для принятых звонков", "Основная воронка → Переговоры");
    await choose(page, "Воронка/этап для пропущенных звонков", "Повторные продажи → Новая заявка");
    await toggle(page, "Сохранять все звонки").click();
    await choose(page, "Пользователь amoCRM для таких звонков", "Алексей Смирнов");
    // «Автоперезвоны в Digital воронке» is live (e2e/callbacks.e2e.test.ts goes through it).
    await expect(page.getByLabel("Скорость автоперезвона (звонков в минуту)").isDisabled()).resolves.toBe(
      false,
    );

    // Дополнительно: three levels under "Интеграция с Контакт-центром".
    await page.getByRole("tab", { name: "Дополнительно" }).click();
    const dpTasks = "Добавить возможность добавления заданий автозвонков в digital-воронке";
    const openDeal = "Открывать в отдельной вкладке карточку сделки при автозвонке";
    const saveTopics = "Сохранять в сделках тематики и комментарии звонка из Контакт-центра";
    const intoOpenDeal = "Сохранять в открытую сделку";
    const topicsField = "Заполнять поле «Тематики КЦ» в сделке";
    await expect(toggle(page, dpTasks).count()).resolves.toBe(0);
    await toggle(page, "Интеграция с Контакт-центром").click();
    await expect(toggle(page, openDeal).count()).resolves.toBe(0);
    await toggle(page, dpTasks).click();
    await toggle(page, openDeal).click();
    await toggle(page, saveTopics).click();
    await choose(page, "Если есть сделка", "Основная воронка → Принимают решение");
    await choose(page, "Если нет сделки", "Основная воронка → Первичный контакт");
    // The ★ options under «Сохранять тематики»: off until turned on.
    await expect(checked(page, intoOpenDeal)).resolves.toBe("false");
    await expect(checked(page, topicsField)).resolves.toBe("false");
    await toggle(page, intoOpenDeal).click();
    await toggle(page, topicsField).click();

    // Ограничения: the lines come from the MANGO emulator.
    await page.getByRole("tab", { name: "Ограничения" }).click();
    await page.getByTestId("lines-summary").filter({ hasText: "Обрабатываются все линии" }).waitFor();
    await toggle(page, DEMO_LINE_TOLL_FREE).click();
    await page.getByTestId("lines-summary").filter({ hasText: "Выбрано линий: 1" }).waitFor();

    await page.getByRole("button", { name: "Сохранить" }).click();
    await page.getByTestId("settings-saved").filter({ hasText: "Настройки сохранены" }).waitFor();

    // After a reload everything is as saved.
    await page.reload();
    await page.getByRole("tab", { name: "Обработка звонков" }).waitFor();
    const answered = page.getByRole("combobox", { name: "Воронка/этап для принятых звонков" });
    await answered.filter({ hasText: "Основная воронка → Переговоры" }).waitFor();
    await expect(checked(page, "Создавать сделку")).resolves.toBe("true");
    await expect(checked(page, "Сохранять все звонки")).resolves.toBe("true");
    await page
      .getByRole("combobox", { name: "Пользователь amoCRM для таких звонков" })
      .filter({ hasText: "Алексей Смирнов" })
      .waitFor();
    await shot(page, "settings-calls.png");

    await page.getByRole("tab", { name: "Дополнительно" }).click();
    await expect(checked(page, openDeal)).resolves.toBe("true");
    await page
      .getByRole("combobox", { name: "Если нет сделки" })
      .filter({ hasText: "Первичный контакт" })
      .waitFor();
    await expect(checked(page, intoOpenDeal)).resolves.toBe("true");
    await expect(checked(page, topicsField)).resolves.toBe("true");
    // Turning the parent off hides the children but keeps them: on again, they are as they were.
    await toggle(page, "Интеграция с Контакт-центром").click();
    await expect(toggle(page, dpTasks).count()).resolves.toBe(0);
    await toggle(page, "Интеграция с Контакт-центром").click();
    await expect(checked(page, openDeal)).resolves.toBe("true");
    await expect(checked(page, topicsField)).resolves.toBe("true");
    await shot(page, "settings-extra.png");

    await page.getByRole("tab", { name: "Ограничения" }).click();
    await expect(checked(page, DEMO_LINE_TOLL_FREE)).resolves.toBe("true");
    await expect(checked(page, DEMO_LINE_MAIN)).resolves.toBe("false");
    await shot(page, "settings-limits.png");

    // An amoCRM admin deletes "Переговоры": the next save is refused, naming the field.
    await deleteStageInEmulator(3383152, 33929755);
    await page.getByRole("tab", { name: "Обработка звонков" }).click();
    await choose(page, "Действие для повторного клиента", "Всегда создавать сделку");
    await page.getByRole("button", { name: "Сохранить" }).click();
    const error = page.getByTestId("settings-error");
    await error.filter({ hasText: "Воронка/этап для принятых звонков" }).waitFor();
    await expect(error.textContent()).resolves.toContain("больше не существует");
    await answered.filter({ hasText: "Этап удалён в amoCRM" }).waitFor();
    await page.getByText("Этап удалён в amoCRM — выберите другой.").waitFor();
    await shot(page, "settings-stage-deleted.png");
    expect(refusedSaves).toBe(1);

    await page.reload();
    await page
      .getByRole("combobox", { name: "Действие для повторного клиента" })
      .filter({ hasText: "Создавать сделку, если нет открытых" })
      .waitFor();
  });

  it("asks before leaving with unsaved changes: «Остаться» keeps the change, «Уйти без сохранения» leaves", async () => {
    const page = await settingsPage();
    await page.getByRole("tab", { name: "Ограничения" }).click();
    await page.getByTestId("lines-summary").waitFor();
    const before = await checked(page, DEMO_LINE_MAIN);
    await toggle(page, DEMO_LINE_MAIN).click();
    const changed = before === "true" ? "false" : "true";
    await expect.poll(() => checked(page, DEMO_LINE_MAIN)).toBe(changed);

    // Switching tabs keeps the change and asks nothing.
    await page.getByRole("tab", { name: "Обработка звонков" }).click();
    await page.getByRole("tab", { name: "Ограничения" }).click();
    await expect(checked(page, DEMO_LINE_MAIN)).resolves.toBe(changed);
    await expect(page.getByTestId("unsaved-changes-dialog").count()).resolves.toBe(0);

    // A sidebar link asks; «Остаться» keeps the page and the change.
    const dialog = page.getByTestId("unsaved-changes-dialog");
    await page.getByRole("link", { name: "Журнал", exact: true }).click();
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(
      "Есть несохранённые изменения. Уйти без сохранения?",
    );
    // Wait for the dialog's opening animation, so the screenshot shows it as the user reads it.
    await dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    await shot(page, "settings-unsaved-dialog.png");
    await dialog.getByRole("button", { name: "Остаться" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(new URL(page.url()).pathname).toBe("/settings");
    await expect(checked(page, DEMO_LINE_MAIN)).resolves.toBe(changed);

    // Reload and close are held by beforeunload while the form is dirty.
    const held = () =>
      page.evaluate(() => {
        const event = new Event("beforeunload", { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
      });
    await expect(held()).resolves.toBe(true);

    // «Уйти без сохранения» leaves for the clicked page.
    await page.getByRole("link", { name: "Журнал", exact: true }).click();
    await dialog.getByRole("button", { name: "Уйти без сохранения" }).click();
    await page.waitForURL("**/journal");
    await expect(held()).resolves.toBe(false);

    // Back on Настройки nothing was saved, and an untouched form lets you go without asking.
    await page.getByRole("link", { name: "Настройки", exact: true }).click();
    await page.waitForURL("**/settings");
    await page.getByRole("tab", { name: "Ограничения" }).click();
    await expect.poll(() => checked(page, DEMO_LINE_MAIN)).toBe(before);
    await page.getByRole("link", { name: "Звонки", exact: true }).click();
    await page.waitForURL("**/calls");
    await expect(dialog.count()).resolves.toBe(0);
  });
});
