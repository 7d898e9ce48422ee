// The Contact Center campaign action in the browser: while «Интеграция с Контакт-центром» is off the rule
// editor says which settings to turn on (with a link to them); turned on in Настройки → «Дополнительно», the
// editor offers «Добавить автозвонок в кампанию обзвона» with the demo PBX's campaigns from the MANGO
// emulator — status and «бесконечная» shown, the completed «ММ Обзвон» listed but not pickable, with why —
// then a campaign, the not-reached task and stage are saved and summarised on the rule card, and read back
// when the rule is opened again. Screenshot: test-results/artifacts/campaign-rule-editor.png.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRules } from "@/server/rules/store";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, chooseOption, launchChromium, signedInOwnerPage } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const RULE = "В обзвон заявок";
let portal: ScenarioPortal;
let browser: Browser;
const browserErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({ encryptionKey: ENCRYPTION_KEY, connectMango: true });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

/** Signed in as the scenario's admin (e2e/browser.ts); page errors land in `browserErrors`. */
const signedIn = (): Promise<Page> =>
  signedInOwnerPage(browser, {
    baseURL: portal.app.url,
    ownerName: SCENARIO.admin.name,
    errors: browserErrors,
    consoleErrors: false,
  });

async function openNewRule(page: Page) {
  await page.goto("/rules");
  await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
  await page.getByTestId("stage-title").filter({ hasText: SCENARIO.negotiation.name }).waitFor();
  await page.getByTestId("add-rule").click();
  const form = page.getByTestId("rule-form");
  await form.waitFor();
  return form;
}

describe("rule editor: «Добавить автозвонок в кампанию обзвона»", () => {
  it("is explained while the Contact Center is off, then picked, saved and summarised", async () => {
    const page = await signedIn();
    let form = await openNewRule(page);
    const note = form.getByTestId("campaign-unavailable");
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain(
      "включите «Интеграция с Контакт-центром» и «Добавить возможность добавления заданий автозвонков в digital-воронке»",
    );
    await expect(note.getByRole("link", { name: "Открыть настройки" }).getAttribute("href")).resolves.toBe(
      "/settings",
    );
    await expect(form.getByTestId("campaign-enabled").count()).resolves.toBe(0);

    // Настройки → «Дополнительно»: both Contact Center switches on.
    await page.goto("/settings");
    await page.getByRole("tab", { name: "Дополнительно" }).click();
    await page.getByRole("switch", { name: "Интеграция с Контакт-центром", exact: true }).click();
    await page
      .getByRole("switch", {
        name: "Добавить возможность добавления заданий автозвонков в digital-воронке",
        exact: true,
      })
      .click();
    await page.getByRole("button", { name: "Сохранить" }).click();
    await page.getByTestId("settings-saved").filter({ hasText: "Настройки сохранены" }).waitFor();

    form = await openNewRule(page);
    await form.getByLabel("Название").fill(RULE);
    await form.getByLabel("Отправлять SMS").uncheck();
    await expect(form.getByTestId("campaign-unavailable").count()).resolves.toBe(0);
    await form.getByTestId("campaign-enabled").click();
    await form.getByTestId("campaign-fields").waitFor();

    // Saving without a campaign is refused in the form.
    await form.getByRole("button", { name: "Сохранить" }).click();
    await expect(form.getByTestId("error-campaign.campaignId").textContent()).resolves.toBe(
      "Выберите кампанию",
    );

    // The picker: the demo PBX's campaigns with status and «бесконечная»; the completed one disabled, with why.
    await page.getByRole("combobox", { name: "Кампания обзвона", exact: true }).click();
    const options = page.getByRole("option");
    await expect.poll(() => options.count()).toBe(4);
    await expect(
      page.getByRole("option", { name: /^Заявки с сайта · Активна · бесконечная/ }).count(),
    ).resolves.toBe(1);
    await expect(page.getByRole("option", { name: /^Продление договоров · Активна$/ }).count()).resolves.toBe(
      1,
    );
    await expect(page.getByRole("option", { name: /^Опрос качества · Остановлена$/ }).count()).resolves.toBe(
      1,
    );
    const completed = page.getByRole("option", { name: /^ММ Обзвон · Завершена/ });
    await expect(completed.getAttribute("aria-disabled")).resolves.toBe("true");
    await expect(completed.textContent()).resolves.toContain(
      "Кампания завершена: MANGO OFFICE не принимает в неё задания, и перезапустить её нельзя",
    );
    // A screenshot with the list open (the disabled completed campaign and its reason in view).
    await page.waitForTimeout(300); // the list's opening animation
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "campaign-picker.png") });
    await page.getByRole("option", { name: /^Заявки с сайта/ }).click();

    await form.getByLabel("Поставить задачу ответственному").check();
    await chooseOption(page, "Перенести сделку на этап", /→ Принимают решение$/);
    // The refused attempt's alert went with the edit; the campaign's own message with the pick.
    await expect(form.getByRole("alert").count()).resolves.toBe(0);
    // The header is sticky: scrolled to the top, a full-page shot has it once, above the page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "campaign-rule-editor.png"), fullPage: true });

    await form.getByRole("button", { name: "Сохранить" }).click();
    await form.waitFor({ state: "detached" });
    const card = page.locator("article", { hasText: RULE });
    await expect(card.getByTestId("rule-campaign").textContent()).resolves.toMatch(
      /^Кампания «Заявки с сайта»; если не дозвонились: задача, этап .+ → Принимают решение$/,
    );

    // Stored as the action the server runs: the campaign, its name, the task and the stage.
    const stored = (await listRules(portal.app.db.db, { tenantId: portal.tenant.id })).find(
      (r) => r.name === RULE,
    )!;
    const action = stored.actions.find((a) => a.kind === "campaign");
    expect(action).toMatchObject({
      kind: "campaign",
      campaignId: 56919,
      campaignName: "Заявки с сайта",
      onNotReached: { task: true, stage: { pipelineId: expect.any(Number), statusId: expect.any(Number) } },
    });

    // Opened again, the form shows what was saved.
    await card.getByRole("button", { name: "Изменить" }).click();
    const again = page.getByTestId("rule-form");
    await again.getByTestId("campaign-fields").waitFor();
    await expect(
      page.getByRole("combobox", { name: "Кампания обзвона", exact: true }).textContent(),
    ).resolves.toContain("Заявки с сайта");
    await expect(again.getByLabel("Поставить задачу ответственному").isChecked()).resolves.toBe(true);
    await expect(
      page.getByRole("combobox", { name: "Перенести сделку на этап", exact: true }).textContent(),
    ).resolves.toMatch(/→ Принимают решение$/);
    await page.context().close();
    expect(browserErrors).toEqual([]);
  });
});
