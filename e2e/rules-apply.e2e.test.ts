// Issue 7 acceptance 7 in the browser: 1,000 deals seeded in «Переговоры»; an admin saves a rule "budget >
// 50 000 → SMS to the client" with «Применить триггер к текущим сделкам в статусе» on the Правила page, and
// the rule's card shows the application's progress bar reach 100 % with its summary (screenshot
// test-results/artifacts/rules-apply-progress.png). The portal's own job poller runs the application against
// the amoCRM emulator at its real 7 requests/second, which answers no 429.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { listRules } from "@/server/rules/store";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, launchChromium } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const DEALS = 1000;
const RULE_NAME = "Бюджет больше 50 000";

let portal: ScenarioPortal;
let amo: ScenarioPortal["amo"];
let app: ScenarioPortal["app"];
let browser: Browser;
let tenant: ScenarioPortal["tenant"];

/** 1,000 deals in «Переговоры», each with a main contact with a mobile; every tenth below the budget. */
async function seedThousandDeals() {
  const state = (await (await fetch(`${amo.url}/__control/state`)).json()) as {
    accounts: Record<string, { leads: unknown[]; contacts: unknown[]; next_id: number }>;
  };
  const demo = state.accounts[SCENARIO.subdomain]!;
  for (let i = 0; i < DEALS; i++) {
    const c = contact(
      6_000_000 + i * 2,
      "Клиент",
      `${i}`,
      [phoneCf(`+7900${String(i).padStart(7, "0")}`, "MOB")],
      SCENARIO.lopatkin.amoUserId,
    );
    const l = lead(
      5_000_000 + i * 2,
      `Сделка ${i}`,
      i % 10 === 0 ? 10_000 : 60_000,
      SCENARIO.negotiation.pipelineId,
      SCENARIO.negotiation.statusId,
      [c.id],
    );
    l.responsible_user_id = SCENARIO.lopatkin.amoUserId;
    demo.contacts.push(c);
    demo.leads.push(l);
  }
  demo.next_id = Math.max(demo.next_id, 7_000_000);
  await portal.control(amo.url, "seed", { state });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({ encryptionKey: ENCRYPTION_KEY });
  ({ amo, app, tenant } = portal);
  // After the tokens: the seed keeps them (they are part of the state) and clears the request log.
  await seedThousandDeals();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

const choose = async (page: import("playwright-core").Page, combobox: string, option: string) => {
  await page.getByRole("combobox", { name: combobox, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
};

describe("Правила: apply a rule to the deals now in its stage", () => {
  it("acceptance 7: saving with «Применить триггер…» shows the progress reach 100 % and the summary", async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
      baseURL: app.url,
      locale: "ru-RU",
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto("/login");
    await page.getByRole("button", { name: `Войти как ${SCENARIO.admin.name}` }).click();
    await page.waitForURL("**/overview");
    await page.getByRole("link", { name: "Правила", exact: true }).click();
    await page.waitForURL("**/rules");
    await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
    await page.getByTestId("stage-title").filter({ hasText: SCENARIO.negotiation.name }).waitFor();

    await page.getByTestId("add-rule").click();
    const form = page.getByTestId("rule-form");
    await form.waitFor();
    await form.getByLabel("Название").fill(RULE_NAME);
    await form.getByRole("button", { name: "Добавить условие" }).click();
    await choose(page, "Условие 1", "Бюджет");
    await choose(page, "Сравнение 1", "больше");
    await form.getByRole("textbox", { name: "Значение 1" }).fill("50 000");
    await form.getByRole("textbox", { name: "Имя отправителя" }).fill("AMANGO");
    await form
      .getByTestId("sms-template")
      .fill("Здравствуйте, {{maincontact.name}}! Ваш менеджер {{user.name}}");
    // Only the stage-entry triggers may be applied to the deals now in the stage: for a lost deal the box is
    // disabled and says why; back on «Сделка перешла на этап» it can be ticked.
    const applyBox = form.getByLabel("Применить триггер к текущим сделкам в статусе");
    await choose(page, "Когда срабатывает", "Отмена сделки (закрыта и не реализована)");
    await expect(applyBox.isDisabled()).resolves.toBe(true);
    await expect(form.getByTestId("apply-current-unavailable").textContent()).resolves.toContain(
      "Доступно только для событий «Сделка перешла на этап» и «Сделка создана на этапе»",
    );
    await choose(page, "Когда срабатывает", "Сделка перешла на этап");
    await expect(applyBox.isDisabled()).resolves.toBe(false);
    await applyBox.check();
    await form.getByRole("button", { name: "Сохранить" }).click();
    await page.getByTestId("rules-notice").filter({ hasText: "Правило сохранено" }).waitFor();

    const card = page.getByTestId("stage-rules").locator("article", { hasText: RULE_NAME });
    const progress = card.getByTestId("apply-progress");
    await progress.waitFor();
    await card.locator('[data-testid="apply-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
    await expect(progress.getByRole("progressbar").getAttribute("aria-valuenow")).resolves.toBe("100");
    await expect(progress.getByTestId("apply-percent").textContent()).resolves.toBe("100 %");

    // The counters are the stage's: the 1,000 seeded deals plus the scenario's own in «Переговоры».
    const state = (await (await fetch(`${amo.url}/__control/state`)).json()) as {
      accounts: Record<string, { leads: { status_id: number; is_deleted: boolean }[] }>;
    };
    const inStage = state.accounts.demo!.leads.filter(
      (l) => l.status_id === SCENARIO.negotiation.statusId && !l.is_deleted,
    ).length;
    expect(inStage).toBeGreaterThanOrEqual(DEALS);
    await expect(progress.getByTestId("apply-processed").textContent()).resolves.toBe(
      `Обработано ${inStage} из ${inStage}`,
    );
    const [rule] = (await listRules(app.db.db, { tenantId: tenant.id, ...SCENARIO.negotiation })).filter(
      (r) => r.name === RULE_NAME,
    );
    const queued = await app.db.db
      .select({ id: smsMessages.id })
      .from(smsMessages)
      .where(and(eq(smsMessages.tenantId, tenant.id), eq(smsMessages.ruleId, rule!.id)));
    expect(queued.length).toBeGreaterThanOrEqual(DEALS * 0.9);
    await expect(progress.getByTestId("apply-sent").textContent()).resolves.toBe(
      `Поставлено в отправку: ${queued.length}`,
    );
    await expect(progress.getByTestId("apply-skipped").textContent()).resolves.toBe(
      `Пропущено сделок: ${inStage - queued.length}`,
    );
    await progress.getByText("Бюджет", { exact: false }).first().waitFor();
    await progress.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "rules-apply-progress.png"), fullPage: true });

    const log = (await (await fetch(`${amo.url}/__control/requests?path=/a/demo/api`)).json()) as {
      status: number;
    }[];
    expect(log.length).toBeGreaterThan(10);
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    await context.close();
  }, 240_000);
});
