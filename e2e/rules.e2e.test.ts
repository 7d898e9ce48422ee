// Issue 7 in the browser, acceptance 1, 4 and 5 (the editor side): on «Правила» an admin with a mapped extension
// creates the VIP rule on «Переговоры» — conditions, trigger, recipient, the template typed with macros inserted
// at the cursor —, previews it on the seeded deal, saves and finds it after a reload (screenshot
// test-results/artifacts/rules-editor.png); employees without an extension or a mobile are not offered, with the
// reason; a member without a mapped extension is told why saving is closed, and the server refuses it too.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalQueue } from "@/inngest/local/queue";
import { addMembership, upsertUser } from "@/server/tenancy/queries";
import { createCaller } from "@/server/trpc/router";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, launchChromium } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const RULE_NAME = "VIP: персональный менеджер";
/** SCENARIO.template as the saved rule's card shows it: each macro by its label (issue 11 §5). */
const CARD_TEMPLATE =
  "Добрый день, Имя основного контакта! Ваш персональный менеджер Имя ответственного, тел. +74 955 404 444, доб.Внутренний номер ответственного в MANGO OFFICE";
const VIP_DEAL = SCENARIO.vipDeal;

let portal: ScenarioPortal;
let app: ScenarioPortal["app"];
let browser: Browser;
let tenant: ScenarioPortal["tenant"];
let owner: ScenarioPortal["owner"];
const browserErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({
    encryptionKey: ENCRYPTION_KEY,
    // Acceptance 5: a member the Сотрудники page never paired with an extension.
    members: async (db, t) => {
      const member = await upsertUser(db, {
        amocrmUserId: SCENARIO.unpaired.amoUserId,
        name: SCENARIO.unpaired.name,
      });
      await addMembership(db, { tenantId: t.id, userId: member.id, role: "member" });
    },
  });
  ({ app, tenant, owner } = portal);
  // {{user.*}} are the deal's responsible: the preview of acceptance 1 is of the deal handed to Лопаткин.
  await portal.control(portal.amo.url, "leads/update", {
    subdomain: SCENARIO.subdomain,
    lead_id: VIP_DEAL.leadId,
    changes: { responsible_user_id: SCENARIO.lopatkin.amoUserId },
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function signedInAs(name: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    baseURL: app.url,
    locale: "ru-RU",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => browserErrors.push(`pageerror ${page.url()}: ${err.message}`));
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${name}` }).click();
  await page.waitForURL("**/overview");
  return page;
}

async function openNegotiation(page: Page) {
  await page.getByRole("link", { name: "Правила", exact: true }).click();
  await page.waitForURL("**/rules");
  await page.getByRole("heading", { level: 1, name: "Правила" }).waitFor();
  await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
  await page.getByTestId("stage-title").filter({ hasText: SCENARIO.negotiation.name }).waitFor();
}

const choose = async (page: Page, combobox: string, option: string) => {
  await page.getByRole("combobox", { name: combobox, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
};

describe("Правила: the rule editor", () => {
  it("acceptance 1 and 4: creates the VIP rule with macros at the cursor, previews it, saves; it survives a reload", async () => {
    const page = await signedInAs(SCENARIO.admin.name);
    await openNegotiation(page);
    await page.getByTestId("add-rule").click();
    const form = page.getByTestId("rule-form");
    await form.waitFor();

    await form.getByLabel("Название").fill(RULE_NAME);
    await choose(page, "Когда срабатывает", "Смена ответственного");
    // «Оплата счёта» is listed but cannot be chosen, and the editor says why.
    await page.getByRole("combobox", { name: "Когда срабатывает", exact: true }).click();
    await expect(
      page.getByRole("option", { name: "Оплата счёта" }).getAttribute("aria-disabled"),
    ).resolves.toBe("true");
    await page.keyboard.press("Escape");
    await expect(form.getByTestId("trigger-unavailable").textContent()).resolves.toContain(
      "amoCRM не присылает такого события",
    );

    await form.getByRole("button", { name: "Добавить условие" }).click();
    await form.getByRole("textbox", { name: "Значение 1" }).fill("vip");
    await form.getByRole("button", { name: "Добавить условие" }).click();
    await choose(page, "Условие 2", "Бюджет");
    await choose(page, "Сравнение 2", "больше");
    await form.getByRole("textbox", { name: "Значение 2" }).fill("50 000");

    // Acceptance 4: an employee without an extension or without a mobile is not offered, with the reason.
    const unreachable = form.getByTestId("unreachable-users");
    await expect(
      unreachable.getByTestId(`unreachable-${SCENARIO.noMobile.amoUserId}`).textContent(),
    ).resolves.toBe(
      `${SCENARIO.noMobile.name} — у внутреннего номера ${SCENARIO.noMobile.extension} не указан мобильный`,
    );
    await expect(
      unreachable.getByTestId(`unreachable-${SCENARIO.unpaired.amoUserId}`).textContent(),
    ).resolves.toBe(`${SCENARIO.unpaired.name} — не сопоставлен с внутренним номером MANGO OFFICE`);
    await expect(form.getByTestId("employee-sms-status").textContent()).resolves.toContain(
      `${SCENARIO.lopatkin.name} (доб. ${SCENARIO.lopatkin.extension})`,
    );
    await expect(
      form
        .getByText("Ответственный без сопоставленного внутреннего номера или без мобильного будет пропущен", {
          exact: false,
        })
        .count(),
    ).resolves.toBe(1);
    await expect(form.getByLabel("Клиенту (основной контакт сделки)").isChecked()).resolves.toBe(true);

    // Issue 11 §5: a negative budget is called negative, a sender longer than an alpha-name is refused with
    // its limit — by the same schemas rules.save uses, under each field.
    const sender = form.getByRole("textbox", { name: "Имя отправителя" });
    await sender.fill("A".repeat(40));
    await form.getByRole("textbox", { name: "Значение 2" }).fill("-5");
    await form.getByRole("button", { name: "Сохранить" }).click();
    await expect(form.getByTestId("error-conditions.1.value").textContent()).resolves.toBe(
      "Число не может быть отрицательным",
    );
    await expect(form.getByTestId("error-senderName").textContent()).resolves.toBe("Не длиннее 11 символов");
    await form.getByRole("textbox", { name: "Значение 2" }).fill("50 000");
    await sender.fill("AMANGO");
    await form.getByTestId("error-senderName").waitFor({ state: "detached" });

    // The template: the text typed first, then each macro put where the cursor is.
    const template = form.getByTestId("sms-template");
    await template.fill("Добрый день, ! Ваш персональный менеджер , тел. +74 955 404 444, доб.");
    await template.press("Control+Home");
    for (let i = 0; i < "Добрый день, ".length; i++) await template.press("ArrowRight");
    await form
      .getByTestId("macros-maincontact")
      .getByRole("button", { name: "Имя основного контакта" })
      .click();
    for (let i = 0; i < "! Ваш персональный менеджер ".length; i++) await template.press("ArrowRight");
    await form.getByTestId("macros-user").getByRole("button", { name: "Имя ответственного" }).click();
    await template.press("Control+End");
    await form.locator('[data-token="{{user.phone}}"]').click();
    await expect(template.inputValue()).resolves.toBe(SCENARIO.template);

    // The preview on the seeded deal of this stage.
    const preview = form.getByTestId("sms-preview");
    await preview.getByRole("button", { name: new RegExp(VIP_DEAL.name) }).click();
    await preview.getByTestId("preview-text").filter({ hasText: SCENARIO.expectedText }).waitFor();
    await expect(preview.getByTestId("preview-text").textContent()).resolves.toBe(SCENARIO.expectedText);
    const counter = form.getByTestId("sms-counter");
    await counter.getByText("По тексту для выбранной сделки.").waitFor();
    // One count: UCS-2 code units, what MANGO limits and the operator bills.
    const units = SCENARIO.expectedText.length;
    await expect(counter.textContent()).resolves.toContain(`${units} из 268 знаков MANGO · UCS-2 · 2 SMS`);
    await expect(preview.getByTestId("preview-conditions").textContent()).resolves.toBe(
      "Сделка подходит под условия.",
    );
    await expect(preview.getByTestId("preview-recipients").textContent()).resolves.toContain("клиент: Олег");
    // Tall enough for the whole editor without a full-page capture (which repeats the fixed shell mid-page).
    await page.setViewportSize({ width: 1440, height: 2200 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "rules-editor.png") });

    await form.getByRole("button", { name: "Сохранить" }).click();
    await page.getByTestId("rules-notice").filter({ hasText: "Правило сохранено" }).waitFor();
    await page.getByTestId("stage-rules").getByText(RULE_NAME, { exact: true }).waitFor();

    await page.reload();
    await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
    const card = page.getByTestId("stage-rules").locator("article", { hasText: RULE_NAME });
    await card.waitFor();
    await expect(card.getByTestId("rule-conditions").textContent()).resolves.toBe(
      "Все условия: тег = «vip»; бюджет > 50 000",
    );
    await expect(card.getByTestId("rule-template").textContent()).resolves.toBe(CARD_TEMPLATE);
    const chips = card.getByTestId("macro-chip");
    await expect(chips.evaluateAll((els) => els.map((e) => e.getAttribute("data-token")))).resolves.toEqual([
      "{{maincontact.name}}",
      "{{user.name}}",
      "{{user.phone}}",
    ]);
    await card.screenshot({ path: path.join(ARTIFACTS_DIR, "rules-card-labels.png") });

    const { rules } = await createCaller({
      db: app.db.db,
      queue: createLocalQueue(app.db.db),
      session: { userId: owner.id, tenantId: tenant.id },
      requestId: "e2e",
    }).rules.list(SCENARIO.negotiation);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      name: RULE_NAME,
      trigger: "responsible_changed",
      authorAmoUserId: SCENARIO.admin.amoUserId,
      conditions: {
        mode: "all",
        items: [
          { kind: "tag", op: "equals", value: "vip" },
          { kind: "budget", op: "gt", value: 50_000 },
        ],
      },
      actions: [
        {
          kind: "sms",
          recipients: ["client"],
          senderName: "AMANGO",
          template: SCENARIO.template,
          fallback: null,
        },
      ],
    });
    // The SMS log links a rule as /rules?rule=<id>: that opens the rule's stage, not the first one.
    await page.goto(`${app.url}/rules?rule=${rules[0]!.id}`);
    await page.getByTestId(`rule-${rules[0]!.id}`).waitFor();
    expect(await page.getByTestId("stage-title").textContent()).toContain(SCENARIO.negotiation.name);
    expect(browserErrors).toEqual([]);
  });

  it("acceptance 5: a member without a mapped extension is told why saving is closed; the server refuses too", async () => {
    const page = await signedInAs(SCENARIO.unpaired.name);
    await openNegotiation(page);
    const note = page.getByTestId("save-blocked");
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain(
      "Сохранять правила с SMS, обратным звонком или обзвоном могут только пользователи с сопоставленным внутренним номером MANGO OFFICE",
    );
    await expect(page.getByTestId("add-rule").isDisabled()).resolves.toBe(true);
    // The rule of the first test is visible to them, without edit or delete.
    const card = page.getByTestId("stage-rules").locator("article", { hasText: RULE_NAME });
    await card.waitFor();
    await expect(card.getByRole("button", { name: "Изменить" }).count()).resolves.toBe(0);

    // The same save sent straight to the portal's tRPC endpoint with this member's session.
    const answer = await page.evaluate(
      async (rule) => {
        const res = await fetch("/api/trpc/rules.save", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ json: { rule } }),
        });
        return { status: res.status, body: await res.json() };
      },
      {
        ...SCENARIO.negotiation,
        name: "попытка",
        trigger: "entered_stage",
        actions: [{ kind: "sms", recipients: ["client"], senderName: "AMANGO", template: "Привет" }],
      },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.error.json.data.code).toBe("FORBIDDEN");
    expect(answer.body.error.json.message).toContain("сопоставленным внутренним номером");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "rules-member-blocked.png"), fullPage: true });
  });
});
