// Issue 7 "SMS log" in the browser: the SMS page lists what the tenant's rules sent (numbers masked,
// Moscow time) with the rule, the deal in amoCRM, status and reason, charts sent / delivered / failed per
// day, and filters by status, rule and the number's last digits. The SMS are seeded straight into the
// harness database (sending is covered by server/sms and server/rules tests).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { saveRule } from "@/server/rules/store";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";

let app: AppServer;
let browser: Browser;
const browserErrors: string[] = [];

const DAY_MS = 86_400_000;
const MOSCOW_OFFSET_MS = 3 * 3600_000;
/** The first instant of the current Moscow day. */
const moscowToday = () => {
  const shifted = Date.now() + MOSCOW_OFFSET_MS;
  return shifted - (shifted % DAY_MS) - MOSCOW_OFFSET_MS;
};
const LONG_TEXT =
  "Добрый день, Олег! Ваш персональный менеджер Лопаткин Василий, тел. +74 955 404 444, доб.100. " +
  "Напоминаем о встрече завтра в 11:00 в нашем офисе на Тверской.";

async function seedSms(tenantId: string, ownerId: string) {
  const db = app.db.db;
  const rule = async (name: string) =>
    (await saveRule(db, {
      tenantId,
      actorUserId: ownerId,
      authorAmoUserId: 9_100_001,
      draft: {
        pipelineId: 1,
        statusId: 142,
        name,
        enabled: true,
        trigger: "responsible_changed",
        conditions: { mode: "all", items: [] },
        actions: [
          { kind: "sms", recipients: ["client"], senderName: "ROMASHKA", template: "x", fallback: null },
        ],
        applyToCurrentDeals: false,
      },
    }))!.id;
  const vip = await rule("VIP-клиенты");
  const reminder = await rule("Напоминание о встрече");

  const today = moscowToday();
  let n = 0;
  const sms = (createdAt: number, v: Partial<typeof smsMessages.$inferInsert>) => {
    n += 1;
    return {
      tenantId,
      ruleId: vip,
      recipientRole: "client",
      phone: "+79160000000",
      text: "Добрый день!",
      segments: 1,
      fromExtension: "100",
      senderName: "ROMASHKA",
      idempotencyKey: `e2e-sms-${n}`,
      commandId: `e2e-cmd-${n}`,
      createdAt: new Date(createdAt),
      ...v,
    };
  };
  await db.insert(smsMessages).values([
    // Today (Moscow, its first seconds so that none is in the future): delivered twice, sent, failed, skipped, queued.
    sms(today + 1_000, {
      leadId: 5001,
      phone: "+79161234567",
      text: LONG_TEXT,
      segments: 3,
      status: "delivered",
      sentAt: new Date(today + 1_100),
      deliveredAt: new Date(today + 5_000),
    }),
    sms(today + 2_000, {
      leadId: 5002,
      phone: "+79035550011",
      recipientRole: "client+responsible",
      status: "delivered",
      sentAt: new Date(today + 2_100),
      deliveredAt: new Date(today + 4_000),
    }),
    sms(today + 3_000, {
      ruleId: reminder,
      leadId: 5003,
      phone: "+74951234500",
      recipientRole: "responsible",
      status: "sent",
      sentAt: new Date(today + 3_100),
    }),
    sms(today + 4_000, {
      ruleId: reminder,
      leadId: 5004,
      phone: "+79260001122",
      status: "failed",
      reason: "Номер в чёрном списке",
      resultCode: 3102,
    }),
    sms(today + 5_000, {
      leadId: 5005,
      phone: "+79990003344",
      recipientRole: "author",
      status: "skipped",
      reason: "Текст длиннее 268 символов",
    }),
    sms(today + 6_000, { leadId: 5006, phone: "+79990004455", status: "queued" }),
    // Earlier this week: one delivered, one failed.
    sms(today - 2 * DAY_MS + 10 * 3600_000, {
      leadId: 5007,
      phone: "+79990005566",
      status: "delivered",
      sentAt: new Date(today - 2 * DAY_MS + 10 * 3600_000),
      deliveredAt: new Date(today - 2 * DAY_MS + 10 * 3600_000 + 5_000),
    }),
    sms(today - 3 * DAY_MS + 9 * 3600_000, {
      leadId: 5008,
      phone: "+79990006677",
      status: "failed",
      reason: "Недостаточно средств на счёте",
    }),
    // Older than the default week.
    sms(today - 20 * DAY_MS, { leadId: 5009, phone: "+79990007788", status: "delivered" }),
  ]);
}

function signedInPage(): Promise<Page> {
  return signedInOwnerPage(browser, {
    baseURL: app.url,
    ownerName: app.seed.owner.name,
    errors: browserErrors,
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  app = await startAppServer();
  await seedSms(app.seed.tenantId, app.seed.owner.id);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const rowsOf = (page: Page) => page.getByTestId("sms-row");

async function expectRows(page: Page, n: number) {
  await expect.poll(() => rowsOf(page).count(), { timeout: 20_000 }).toBe(n);
}

async function choose(page: Page, filter: string, option: string) {
  await page.getByRole("combobox", { name: filter }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("SMS", () => {
  it("lists, links, charts and filters the SMS the tenant's rules sent", async () => {
    const page = await signedInPage();
    await page.getByRole("link", { name: "SMS", exact: true }).click();
    await page.waitForURL("**/sms");
    await page.getByRole("heading", { level: 1, name: "SMS" }).waitFor();

    // The last 7 Moscow days: eight SMS; the chart counts sent (delivered included), delivered, failed.
    await expectRows(page, 8);
    const chart = page.getByTestId("sms-chart");
    await expect.poll(() => chart.getByTestId("chart-day").count()).toBe(7);
    await expect(chart.getByTestId("chart-sent").textContent()).resolves.toBe("4");
    await expect(chart.getByTestId("chart-delivered").textContent()).resolves.toBe("3");
    await expect(chart.getByTestId("chart-failed").textContent()).resolves.toBe("2");
    await expect(chart.getByRole("img", { name: "SMS по дням" }).count()).resolves.toBe(1);

    // Numbers masked in the recipient column and nowhere in full; rule, deal, roles and times shown.
    const table = page.getByTestId("sms-table");
    const body = (await table.textContent()) ?? "";
    expect(body).toContain("+7 916 ***-**-67");
    expect(body).toContain("+7 495 ***-**-00");
    expect(body).not.toMatch(/\d{7,}/);
    for (const full of ["9161234567", "123-45-67", "9035550011", "4951234500"])
      expect(body).not.toContain(full);
    const first = rowsOf(page).filter({ hasText: "+7 916 ***-**-67" });
    await expect(first.getByTestId("sms-status").textContent()).resolves.toBe("Доставлено");
    await expect(first.getByTestId("sms-roles").textContent()).resolves.toBe("клиент");
    await expect(first.getByTestId("sms-rule").textContent()).resolves.toBe("VIP-клиенты");
    await expect(first.getByTestId("sms-deal").getAttribute("href")).resolves.toBe(
      "https://romashka.amocrm.ru/leads/detail/5001",
    );
    await expect(first.getByTestId("sms-deal").textContent()).resolves.toBe("№ 5001");
    await expect(first.getByTestId("sms-delivered-at").textContent()).resolves.toBe("доставлено 00:00");
    await expect(first.getByText("3 сегмента · Отправитель: ROMASHKA").count()).resolves.toBe(1);
    const both = rowsOf(page).filter({ hasText: "+7 903 ***-**-11" });
    await expect(both.getByTestId("sms-roles").textContent()).resolves.toBe("клиент, ответственный");

    // A long text is folded, its whole text in the tooltip, and unfolds on a click.
    const text = first.getByTestId("sms-text");
    // Every number in a text is masked too (a template may quote someone's phone), the company's included.
    const shown = LONG_TEXT.replace("+74 955 404 444", "+7 495 ***-**-44");
    await expect(text.getAttribute("title")).resolves.toBe(shown);
    await expect(text.getAttribute("aria-expanded")).resolves.toBe("false");
    await text.click();
    await expect(text.getAttribute("aria-expanded")).resolves.toBe("true");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "sms-log.png"), fullPage: true });

    // Status: the failed ones with their reasons; the chart follows the filter.
    await choose(page, "Статус", "Ошибка");
    await expectRows(page, 2);
    await expect(chart.getByTestId("chart-sent").textContent()).resolves.toBe("0");
    await expect(chart.getByTestId("chart-failed").textContent()).resolves.toBe("2");
    await expect(page.getByTestId("sms-reason").allTextContents()).resolves.toEqual([
      "Номер в чёрном списке",
      "Недостаточно средств на счёте",
    ]);
    await choose(page, "Статус", "Пропущено");
    await expectRows(page, 1);
    await expect(page.getByTestId("sms-reason").textContent()).resolves.toBe("Текст длиннее 268 символов");
    await choose(page, "Статус", "Все статусы");
    await expectRows(page, 8);

    // Rule, then the last digits of a number and a deal id.
    await choose(page, "Правило", "Напоминание о встрече");
    await expectRows(page, 2);
    await choose(page, "Правило", "Все правила");
    await expectRows(page, 8);
    const search = page.getByRole("searchbox", { name: "Поиск по номеру или сделке" });
    // The search applies once typing pauses: wait for the rows it finds, not just their number.
    const phones = () => page.getByTestId("sms-phone").allTextContents();
    await search.fill("45-67");
    await expect.poll(phones, { timeout: 20_000 }).toEqual(["+7 916 ***-**-67"]);
    await search.fill("5003");
    await expect.poll(phones, { timeout: 20_000 }).toEqual(["+7 495 ***-**-00"]);
    await search.fill("");
    await expectRows(page, 8);

    // The older SMS is in the 30-day period.
    await choose(page, "Период", "30 дней");
    await expectRows(page, 9);
    await choose(page, "Период", "Сегодня");
    await expectRows(page, 6);
    await expect.poll(() => chart.getByTestId("chart-day").count()).toBe(1);

    expect(browserErrors, "errors in the browser console").toEqual([]);
  });
});
