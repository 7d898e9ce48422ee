// Issue 6 "Calls page" in the browser: Звонки lists the tenant's calls (numbers masked, Moscow time) with
// links to the amoCRM contact and the journal entry, filters them, and charts answered / missed per day.
// The calls are seeded straight into the harness database (assembly from MANGO events is covered in
// server/calls/assembly/assembly.int.test.ts).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, amocrmUsers, calls, callTopics, employeeLinks, mangoEmployees } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";

let app: AppServer;
let browser: Browser;
const browserErrors: string[] = [];
let loggedEntryId = "";

const DAY_MS = 86_400_000;
const MOSCOW_OFFSET_MS = 3 * 3600_000;
/** The first instant of the current Moscow day. */
const moscowToday = () => {
  const shifted = Date.now() + MOSCOW_OFFSET_MS;
  return shifted - (shifted % DAY_MS) - MOSCOW_OFFSET_MS;
};

async function seedCalls(tenantId: string) {
  const db = app.db.db;
  const [ivanov] = await db
    .insert(mangoEmployees)
    .values([
      { tenantId, mangoKey: "user:101", extension: "101", name: "Иванов Иван" },
      { tenantId, mangoKey: "user:102", extension: "102", name: "Петрова Мария" },
    ])
    .returning();
  await db.insert(amocrmUsers).values({ tenantId, amoUserId: 9_100_101, name: "Иван Иванов" });
  await db
    .insert(employeeLinks)
    .values({ tenantId, mangoEmployeeId: ivanov!.id, amoUserId: 9_100_101, source: "manual" });

  const today = moscowToday();
  const call = (entryId: string, startedAt: number, v: Partial<typeof calls.$inferInsert>) => ({
    tenantId,
    entryId,
    stage: "finished" as const,
    direction: "incoming" as const,
    startedAt: new Date(startedAt),
    ...v,
  });
  const rows = await db
    .insert(calls)
    .values([
      // Today (Moscow): two answered, one missed.
      call("t1", today + 1_000, {
        clientPhone: "+79161234567",
        answeredExtension: "101",
        rangExtensions: ["101"],
        talkSeconds: 125,
      }),
      call("t2", today + 2_000, { clientPhone: "+79035550011", rangExtensions: ["102"] }),
      call("t3", today + 3_000, {
        direction: "outgoing",
        clientPhone: "+74951234500",
        answeredExtension: "102",
        talkSeconds: 47,
      }),
      // Earlier days of the last week: one answered, two missed, one outgoing the client did not pick up.
      call("d1", today - DAY_MS + 10 * 3600_000, {
        clientPhone: "+79260001122",
        answeredExtension: "101",
        talkSeconds: 300,
      }),
      call("d2", today - 2 * DAY_MS + 11 * 3600_000, {
        direction: "outgoing",
        clientPhone: "+79990006677",
        callerExtension: "102",
      }),
      call("d3", today - 3 * DAY_MS + 15 * 3600_000, {
        clientPhone: "+79990002233",
        rangExtensions: ["101"],
      }),
      call("d5", today - 5 * DAY_MS + 9 * 3600_000, { clientPhone: "+79990003344", rangExtensions: ["102"] }),
      // Older than the week: not in the default period.
      call("old", today - 20 * DAY_MS, {
        clientPhone: "+79990004455",
        answeredExtension: "101",
        talkSeconds: 9,
      }),
    ])
    .returning();
  // t1 was logged on contact 4242: its calls.log run (far in the future so the app's poller leaves it be).
  const t1 = rows.find((r) => r.entryId === "t1")!;
  const run = await insertJobRun(
    db,
    writeCallJob,
    { callId: t1.id },
    { tenantId, idempotencyKey: `call:${t1.id}`, driver: "local", delaySeconds: 7 * 24 * 3600 },
  );
  await recordAttempt(
    db,
    writeCallJob,
    run.row,
    1,
    { kind: "done", result: { contactId: 4242 } },
    { retryAt: null },
  );
  const [entry] = await db.select().from(activityLog).where(eq(activityLog.sourceId, run.runId));
  loggedEntryId = entry!.id;

  // «Тематики КЦ» of three calls, one per state the page tells apart (server/topics writes these rows).
  const topics = (entryId: string, v: Partial<typeof callTopics.$inferInsert>) => ({
    tenantId,
    callId: rows.find((r) => r.entryId === entryId)!.id,
    entryId,
    campaignCall: true,
    deadlineAt: new Date(today + DAY_MS),
    ...v,
  });
  await db.insert(callTopics).values([
    // Next poll at 14:05 Moscow time.
    topics("t2", { state: "waiting", polls: 1, nextPollAt: new Date(today + 14 * 3600_000 + 5 * 60_000) }),
    topics("t1", {
      state: "saved",
      topicPaths: ["Продажи / Консультация", "Доставка"],
      comment: "Перезвонить после обеда",
      leadId: 5151,
      placement: "new_deal",
      finishedAt: new Date(today + 5_000),
    }),
    topics("d1", { state: "skipped", reason: "за час тематики и комментарий не появились" }),
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
  await seedCalls(app.seed.tenantId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const rowsOf = (page: Page) => page.getByTestId("call-row");

async function expectRows(page: Page, n: number) {
  await expect.poll(() => rowsOf(page).count(), { timeout: 20_000 }).toBe(n);
}

async function choose(page: Page, filter: string, option: string) {
  await page.getByRole("combobox", { name: filter }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("Звонки", () => {
  it("lists, links, charts and filters the tenant's calls", async () => {
    const page = await signedInPage();
    await page.getByRole("link", { name: "Звонки", exact: true }).click();
    await page.waitForURL("**/calls");
    await page.getByRole("heading", { level: 1, name: "Звонки" }).waitFor();

    // The last 7 Moscow days: seven calls, the chart one bar group per day.
    await expectRows(page, 7);
    const chart = page.getByTestId("calls-chart");
    await expect.poll(() => chart.getByTestId("chart-day").count()).toBe(7);
    await expect(chart.getByTestId("chart-answered").textContent()).resolves.toBe("3");
    await expect(chart.getByTestId("chart-missed").textContent()).resolves.toBe("3");
    await expect(chart.getByTestId("chart-notAnswered").textContent()).resolves.toBe("1");
    // An outgoing call the client did not pick up is not «Пропущен».
    const unpicked = rowsOf(page).filter({ hasText: "+7999***6677" });
    await expect(unpicked.getByTestId("call-result").textContent()).resolves.toBe("Не дозвонились");
    await expect(chart.getByRole("img", { name: "Звонки по дням" }).count()).resolves.toBe(1);

    // Numbers masked, employee by name, links to amoCRM and the journal.
    const body = (await page.getByTestId("calls-table").textContent()) ?? "";
    expect(body).toContain("+7916***4567");
    expect(body).not.toMatch(/\d{11}/);
    const logged = rowsOf(page).filter({ hasText: "+7916***4567" });
    await expect(logged.getByTestId("call-employee").textContent()).resolves.toBe("Иванов Иван");
    await expect(logged.getByTestId("call-result").textContent()).resolves.toBe("Отвечен");
    await expect(logged.getByTestId("call-contact").getAttribute("href")).resolves.toBe(
      "https://romashka.amocrm.ru/contacts/detail/4242",
    );
    await expect(logged.getByTestId("call-journal").getAttribute("href")).resolves.toBe(
      `/journal?entry=${loggedEntryId}`,
    );
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "calls-page.png"), fullPage: true });

    await choose(page, "Результат", "Не дозвонились");
    await expectRows(page, 1);
    await choose(page, "Результат", "Пропущенные");
    await expectRows(page, 3);
    await expect(chart.getByTestId("chart-answered").textContent()).resolves.toBe("0");
    await choose(page, "Сотрудник", "101 · Иван Иванов");
    await expectRows(page, 1);
    await choose(page, "Результат", "Все результаты");
    await expectRows(page, 3);
    await choose(page, "Сотрудник", "Все сотрудники");
    await choose(page, "Направление", "Исходящие");
    await expectRows(page, 2);
    await expect(rowsOf(page).first().getAttribute("data-direction")).resolves.toBe("outgoing");
    await choose(page, "Направление", "Все направления");
    await choose(page, "Период", "Сегодня");
    await expectRows(page, 3);
    await expect.poll(() => chart.getByTestId("chart-day").count()).toBe(1);
    await choose(page, "Период", "30 дней");
    await expectRows(page, 8);

    // The journal link opens the entry of the run that logged the call.
    await rowsOf(page).filter({ hasText: "+7916***4567" }).getByTestId("call-journal").click();
    await page.waitForURL(`**/journal?entry=${loggedEntryId}`);
    await page.getByTestId("journal-detail").filter({ hasText: "calls.log" }).waitFor();

    expect(browserErrors, "errors in the browser console").toEqual([]);
  });

  it("shows each call's Contact Center topics: awaited with the next check, saved with the deal, not saved with why", async () => {
    const page = await signedInPage();
    await page.goto(`${app.url}/calls`);
    await expectRows(page, 7);
    const topicsOf = (phone: string) => rowsOf(page).filter({ hasText: phone }).getByTestId("call-topics");

    const waiting = topicsOf("+7903***0011");
    await expect(waiting.textContent()).resolves.toBe("Тематики КЦ: ждём, следующая проверка в 14:05");
    const saved = topicsOf("+7916***4567");
    await expect(saved.textContent()).resolves.toContain("Тематики КЦ: сохранены");
    await expect(saved.getByTestId("call-topics-paths").textContent()).resolves.toBe(
      "Продажи / Консультация; Доставка",
    );
    await expect(saved.getByTestId("call-topics-deal").getAttribute("href")).resolves.toBe(
      "https://romashka.amocrm.ru/leads/detail/5151",
    );
    const skipped = topicsOf("+7926***1122");
    await expect(skipped.textContent()).resolves.toBe(
      "Тематики КЦ: не сохранены — за час тематики и комментарий не появились",
    );
    // Calls without a topics row show no line.
    await expect(page.getByTestId("call-topics").count()).resolves.toBe(3);
    for (const text of [
      "Тематики КЦ: ждём, следующая проверка в 14:05",
      "Тематики КЦ: сохранены",
      "Тематики КЦ: не сохранены — за час тематики и комментарий не появились",
    ])
      await expect(page.getByText(text).first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "calls-topics.png"), fullPage: true });

    expect(browserErrors, "errors in the browser console").toEqual([]);
  });
});
