// Auto-callbacks in the browser: Настройки → «Обработка звонков» → «Автоперезвоны в Digital воронке» shows the
// live queue count, «Очистить» only while something is queued (with a confirmation; after it the count is 0),
// refuses a fractional rate with the schema's words and says 0 is a pause; the rule editor's «Совершать
// автоперезвон» (group, line, task, stage) is saved and summarised on the rule card; the queue view lists the
// items with place and estimated time, «Позвонить сейчас», «Убрать из очереди», «Приостановить». Screenshots:
// test-results/artifacts/callback-settings.png, callback-rule-editor.png, callback-queue.png.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationSettings, mangoGroups } from "@/db/schema";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { queueCallbackItem } from "@/server/callbacks/queue";
import { saveRule } from "@/server/rules/store";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, chooseOption, launchChromium, signedInOwnerPage } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const GROUP = { groupId: 990_001, name: "Перезвоны: отдел продаж", extension: "290" };
let portal: ScenarioPortal;
let browser: Browser;
let ruleId: string;
let seq = 0;
const browserErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({ encryptionKey: ENCRYPTION_KEY, connectMango: true });
  const db = portal.app.db.db;
  await db
    .insert(mangoGroups)
    .values({ tenantId: portal.tenant.id, ...GROUP })
    .onConflictDoNothing();
  const rule = await saveRule(db, {
    tenantId: portal.tenant.id,
    actorUserId: portal.owner.id,
    authorAmoUserId: SCENARIO.admin.amoUserId,
    draft: {
      ...SCENARIO.negotiation,
      name: "Перезвон новым заявкам",
      enabled: true,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [
        {
          kind: "callback",
          target: { type: "responsible" },
          lineNumber: null,
          taskOnFailure: true,
          stageOnSuccess: null,
          stageOnFailure: null,
        },
      ],
      applyToCurrentDeals: false,
    },
  });
  ruleId = rule!.id;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

/** Queues `n` items of the rule, for deals 7001… (as the rule's action would). */
async function queueItems(n: number) {
  for (let i = 0; i < n; i++) {
    seq += 1;
    await queueCallbackItem(portal.app.db.db, {
      tenantId: portal.tenant.id,
      ruleId,
      ruleName: "Перезвон новым заявкам",
      leadId: 7000 + seq,
      leadName: `Заявка ${seq}`,
      contactId: null,
      idempotencyKey: `e2e:${seq}`,
      target: {
        type: "responsible",
        amoUserId: SCENARIO.lopatkin.amoUserId,
        extension: SCENARIO.lopatkin.extension,
        name: SCENARIO.lopatkin.name,
      },
      phone: `+7916555${String(1000 + seq).padStart(4, "0")}`,
      lineNumber: null,
      taskOnFailure: true,
      stageOnSuccess: null,
      stageOnFailure: null,
    });
  }
}

/** Signed in as the scenario's admin (e2e/browser.ts); page errors land in `browserErrors`. */
const signedIn = (): Promise<Page> =>
  signedInOwnerPage(browser, {
    baseURL: portal.app.url,
    ownerName: SCENARIO.admin.name,
    errors: browserErrors,
    consoleErrors: false,
  });

const countText = (page: Page) => page.getByTestId("auto-callback-queue-count").textContent();

describe("auto-callbacks", () => {
  it("settings: the live count, «Очистить» only while queued, clearing to 0, whole-number rate", async () => {
    const page = await signedIn();
    await page.goto("/settings");
    const block = page.getByTestId("auto-callback-queue");
    await block.waitFor();
    await expect.poll(() => countText(page)).toBe("0");
    await expect(page.getByTestId("auto-callback-clear").count()).resolves.toBe(0);

    await queueItems(3);
    await page.reload();
    await expect.poll(() => countText(page)).toBe("3");
    await page.getByTestId("auto-callback-clear").waitFor();

    // A fraction is refused with the schema's own words; 0 is explained as a pause.
    const rate = page.getByLabel("Скорость автоперезвона (звонков в минуту)");
    await rate.fill("2,5");
    await page.getByRole("button", { name: "Сохранить" }).click();
    await page.getByText("Скорость автоперезвона: целое число звонков в минуту").waitFor();
    await rate.fill("0");
    await page.getByText("0 — очередь на паузе: никто не звонит, звонки ждут в очереди.").waitFor();
    await page.getByRole("switch", { name: "Звонить только в рабочее время" }).click();
    await expect(page.getByTestId("auto-callback-timezone").textContent()).resolves.toBe(
      "в часовом поясе аккаунта: Europe/Moscow",
    );
    await page.getByLabel("Не звонить одному клиенту чаще, чем раз в N минут").fill("15");
    const section = page.locator("section", { has: page.getByTestId("auto-callback-queue") });
    await section.screenshot({ path: path.join(ARTIFACTS_DIR, "callback-settings.png") });

    await page.getByTestId("auto-callback-clear").click();
    const dialog = page.getByTestId("auto-callback-clear-dialog");
    await expect(dialog.textContent()).resolves.toContain("3 звонка не будут совершены");
    await page.getByTestId("auto-callback-clear-confirm").click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => countText(page)).toBe("0");
    await expect(page.getByTestId("auto-callback-clear").count()).resolves.toBe(0);
    await page.context().close();
  });

  it("queue view: places and times, call now, remove, pause a rule", async () => {
    await queueItems(3);
    const page = await signedIn();
    await page.getByRole("link", { name: "Автоперезвоны", exact: true }).click();
    await page.waitForURL("**/callbacks");
    await page.getByRole("heading", { level: 1, name: "Очередь автоперезвонов" }).waitFor();
    const queued = page.getByTestId("callbacks-queued");
    await expect.poll(() => queued.getByRole("row").count()).toBe(4);
    await expect(queued.getByRole("heading").textContent()).resolves.toBe("В очереди: 3");
    const first = queued.getByTestId(`callback-item-${7000 + seq - 2}`);
    await expect(first.getByRole("cell").first().textContent()).resolves.toBe("1");
    await expect(first.textContent()).resolves.toContain("+7916***1004");
    await expect(first.getByRole("link").getAttribute("href")).resolves.toContain(
      `/leads/detail/${7000 + seq - 2}`,
    );
    // Rate 2 a minute (the default): the second waits 30 s after the first.
    await expect(first.getByTestId("callback-estimate").textContent()).resolves.toMatch(/\d\d:\d\d/);

    const last = queued.getByTestId(`callback-item-${7000 + seq}`);
    await expect(last.getByRole("cell").first().textContent()).resolves.toBe("3");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "callback-queue.png"), fullPage: true });

    // «Позвонить сейчас» wakes the dispatcher, which would dial for real (the MANGO emulator): with the rate at 0
    // the queue is paused, so the view keeps what the actions did — and says «на паузе» instead of times.
    const settings = settingsDocumentSchema.parse({ calls: { autoCallback: { ratePerMinute: 0 } } });
    await portal.app.db.db
      .insert(integrationSettings)
      .values({ tenantId: portal.tenant.id, settings, version: 1 });
    await page.reload();
    await page.getByTestId("callbacks-waiting").filter({ hasText: "на паузе" }).waitFor();
    await expect(first.getByTestId("callback-estimate").textContent()).resolves.toBe("на паузе");
    await last.getByRole("button", { name: "Позвонить сейчас" }).click();
    await expect.poll(() => last.getByRole("cell").first().textContent()).toBe("1");
    await expect(last.textContent()).resolves.toContain("позвонить сейчас");
    await first.getByRole("button", { name: "Убрать из очереди" }).click();
    await expect.poll(() => queued.getByRole("row").count()).toBe(3);
    const finished = page.getByTestId("callbacks-finished");
    await expect.poll(() => finished.getByText("Убран из очереди", { exact: true }).count()).toBe(1);

    const rules = page.getByTestId(`callbacks-rule-${ruleId}`);
    await rules.getByRole("button", { name: "Приостановить" }).click();
    await rules.getByRole("button", { name: "Возобновить" }).waitFor();
    await expect.poll(() => queued.getByText("правило приостановлено").count()).toBe(2);
    await rules.getByRole("button", { name: "Возобновить" }).click();
    await rules.getByRole("button", { name: "Приостановить" }).waitFor();
    await expect.poll(() => queued.getByText("правило приостановлено").count()).toBe(0);
    await page.context().close();
  });

  it("rule editor: «Совершать автоперезвон» to a MANGO group, saved and summarised on the card", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Правила", exact: true }).click();
    await page.waitForURL("**/rules");
    await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
    await page.getByTestId("stage-title").filter({ hasText: SCENARIO.negotiation.name }).waitFor();
    await page.getByTestId("add-rule").click();
    const form = page.getByTestId("rule-form");
    await form.waitFor();
    await form.getByLabel("Название").fill("Перезвон через отдел продаж");
    await form.getByLabel("Отправлять SMS").uncheck();
    await form.getByTestId("callback-enabled").click();
    await form.getByTestId("callback-fields").waitFor();
    await chooseOption(page, "На кого будет распределяться звонок", "Группа MANGO OFFICE");
    await chooseOption(page, "Группа", GROUP.name);
    await chooseOption(page, "Линия, с которой звонить", /^\d{11}/);
    await form.getByLabel("Ставить задачи по неудавшимся звонкам").check();
    await chooseOption(page, "Воронка/этап для неудавшихся звонков", /→ Переговоры$/);
    // The header is sticky: scrolled to the top, a full-page shot has it once, above the page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "callback-rule-editor.png"), fullPage: true });
    // A group needs a line: saving without one is refused in the form, then saved with it.
    const line = (await page
      .getByRole("combobox", { name: "Линия, с которой звонить", exact: true })
      .textContent())!;
    await chooseOption(page, "Линия, с которой звонить", "Выберите линию");
    await form.getByRole("button", { name: "Сохранить" }).click();
    await form.getByText("Для группы выберите линию").waitFor();
    await chooseOption(page, "Линия, с которой звонить", line);
    await form.getByRole("button", { name: "Сохранить" }).click();
    await form.waitFor({ state: "detached" });
    const card = page.locator("article", { hasText: "Перезвон через отдел продаж" });
    await expect(card.getByTestId("rule-callback").textContent()).resolves.toMatch(
      new RegExp(`^Автоперезвон: группа «${GROUP.name}» → клиент, линия \\d{11}; задача при неудаче$`),
    );
    await page.context().close();
    expect(browserErrors).toEqual([]);
  });
});
