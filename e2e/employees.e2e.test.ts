// Issue 5, acceptance 3 and 9, and issue 11 §5 in the browser: on Сотрудники the employees show MANGO group
// names, the automatic proposals show why they matched (similar names with a confidence) and a conflict stays
// unpaired and explained; accepting all and pairing one employee by hand survive a reload.
// The directory is seeded straight into the harness database (the sync itself is covered against the
// emulators in server/employees/employees.int.test.ts).
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, mangoEmployees, mangoGroups } from "@/db/schema";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";

let app: AppServer;
let browser: Browser;
const browserErrors: string[] = [];

async function seedDirectory(tenantId: string) {
  const employee = (
    ext: string,
    name: string,
    email: string | null,
    mobile: string | null,
    groups: number[],
  ) => ({
    tenantId,
    mangoKey: `user:${ext}`,
    extension: ext,
    name,
    email,
    mobile,
    groups,
  });
  await app.db.db.insert(mangoEmployees).values([
    employee("101", "Иванов Иван Петрович", "ivanov@romashka.example", "+79161110101", [201]),
    employee("102", "Сёмин Олег Викторович", "oleg@pbx.romashka.example", "+79161110102", [201]),
    employee("103", "Смирнов Дмитрий Алексеевич", null, "+79161110103", [202]),
    employee("104", "Кузнецова Мария Игоревна", "kuznetsova@romashka.example", null, [202]),
    // E-mails differ: proposed by name only (same words swapped; an initial, with lower confidence).
    employee("105", "Лопаткин Василий", "vl@pbx.romashka.example", "+79161110105", [201, 202]),
    employee("106", "Петров А.", "petrov@pbx.romashka.example", "+79161110106", [203]),
  ]);
  // The group names cached from MANGO `groups` (203 is not cached: shown by its id).
  await app.db.db.insert(mangoGroups).values([
    { tenantId, groupId: 201, name: "Отдел продаж", extension: "201" },
    { tenantId, groupId: 202, name: "Поддержка", extension: "202" },
  ]);
  const user = (amoUserId: number, name: string, email: string) => ({ tenantId, amoUserId, name, email });
  await app.db.db
    .insert(amocrmUsers)
    .values([
      user(9_100_001, "Анна Смирнова", "anna@romashka.example"),
      user(9_100_101, "Иван Иванов", "IVANOV@Romashka.example"),
      user(9_100_102, "Олег Семин", "semin@romashka.example"),
      user(9_100_103, "Дмитрий Смирнов", "d.smirnov@romashka.example"),
      user(9_100_104, "Смирнов Дмитрий", "smirnov.d@romashka.example"),
      user(9_100_105, "Василий Лопаткин", "lopatkin@romashka.example"),
      user(9_100_106, "Алексей Петров", "a.petrov@romashka.example"),
    ]);
}

function signedInPage(): Promise<Page> {
  return signedInOwnerPage(browser, {
    baseURL: app.url,
    ownerName: app.seed.owner.name,
    errors: browserErrors,
    viewport: { width: 1440, height: 900 },
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  app = await startAppServer();
  await seedDirectory(app.seed.tenantId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const row = (page: Page, extension: string) =>
  page.locator(`[data-testid="employee-row"][data-extension="${extension}"]`);

describe("Сотрудники", () => {
  it("shows group names, proposals with their reason and confidence, the conflict explained; accepts all, pairs one by hand; all survive a reload", async () => {
    const page = await signedInPage();
    await page.getByRole("link", { name: "Сотрудники", exact: true }).click();
    await page.waitForURL("**/employees");
    await page.getByRole("heading", { level: 1, name: "Сотрудники" }).waitFor();

    const proposals = page.getByTestId("proposal");
    await proposals.first().waitFor();
    await expect(proposals.count()).resolves.toBe(4);
    await expect(
      proposals.filter({ hasText: "Иван Иванов" }).getByTestId("match-reason").textContent(),
    ).resolves.toBe("e-mail");
    await expect(
      proposals.filter({ hasText: "Олег Семин" }).getByTestId("match-reason").textContent(),
    ).resolves.toBe("имя");
    const confidence = (name: string) =>
      proposals.filter({ hasText: name }).getByTestId("proposal-confidence").textContent();
    await expect(confidence("Василий Лопаткин")).resolves.toBe("уверенность 100%");
    await expect(confidence("Алексей Петров")).resolves.toBe("уверенность 80%");
    const conflict = page.getByTestId("conflict");
    await expect(conflict.textContent()).resolves.toContain("Смирнов Дмитрий Алексеевич");
    await expect(conflict.textContent()).resolves.toContain("Дмитрий Смирнов, Смирнов Дмитрий");
    await expect(conflict.getByTestId("conflict-why").textContent()).resolves.toContain(
      "подходят сразу несколько пользователей amoCRM",
    );
    // Groups by their MANGO names; an uncached group by its id.
    await expect(row(page, "105").getByTestId("employee-groups").textContent()).resolves.toBe(
      "Отдел продаж, Поддержка",
    );
    await expect(row(page, "106").getByTestId("employee-groups").textContent()).resolves.toBe("группа 203");
    await row(page, "104").getByTestId("flag-no-mobile").filter({ hasText: "не получит SMS" }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "employees-proposals.png"), fullPage: true });

    await page.getByRole("button", { name: "Принять все предложения (4)" }).click();
    await row(page, "101").getByTestId("pair").filter({ hasText: "Иван Иванов" }).waitFor();
    await row(page, "102").getByTestId("pair").filter({ hasText: "Олег Семин" }).waitFor();
    await row(page, "105").getByTestId("pair").filter({ hasText: "Василий Лопаткин" }).waitFor();
    await row(page, "106").getByTestId("pair").filter({ hasText: "Алексей Петров" }).waitFor();
    await page.getByText("Новых предложений нет.").waitFor();
    // The conflict is still shown and its employee still unpaired.
    await page.getByTestId("conflict").waitFor();
    await expect(row(page, "103").getByTestId("pair").count()).resolves.toBe(0);

    await page.getByRole("combobox", { name: "Пользователь amoCRM для Кузнецова Мария Игоревна" }).click();
    await page.getByRole("option", { name: "Анна Смирнова" }).click();
    await row(page, "104").getByRole("button", { name: "Связать" }).click();
    await row(page, "104").getByTestId("pair").filter({ hasText: "Анна Смирнова" }).waitFor();

    await page.reload();
    const manual = row(page, "104").getByTestId("pair");
    await manual.filter({ hasText: "Анна Смирнова" }).waitFor();
    await expect(manual.getByTestId("match-reason").getAttribute("data-reason")).resolves.toBe("manual");
    await expect(row(page, "101").getByTestId("match-reason").getAttribute("data-reason")).resolves.toBe(
      "email",
    );
    await expect(row(page, "102").getByTestId("match-reason").getAttribute("data-reason")).resolves.toBe(
      "name",
    );
    await page.getByTestId("employees-summary").filter({ hasText: "Связано 5 из 6 сотрудников" }).waitFor();
    await page.getByTestId("conflict").waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "employees.png"), fullPage: true });

    // "Обновить" without MANGO connected reports each side instead of failing, and keeps the pairs.
    await page.getByRole("button", { name: "Обновить" }).click();
    const report = page.getByTestId("resync-report");
    await report.waitFor();
    await expect(report.textContent()).resolves.toContain("MANGO OFFICE не подключена");
    await expect(report.textContent()).resolves.toContain("Сохранено пар: 5");

    expect(browserErrors, "errors in the browser console").toEqual([]);
  });
});
