// Issue 15 ★ «Неразобранные звонки» in the browser: a call of an extension paired with nobody is listed on
// Звонки with its extension; the admin pairs the extension right there (the Сотрудники page's own control),
// which writes the pair and enqueues the call's re-log (`call:<id>:relog:<link id>`). That the re-log writes
// the call to amoCRM once is covered by server/calls/write/unattributed.int.test.ts.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, callLogs, calls, employeeLinks, jobRuns, mangoEmployees } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";

let app: AppServer;
let browser: Browser;
const browserErrors: string[] = [];
let callId = "";
let employeeId = "";

async function seed(tenantId: string) {
  const db = app.db.db;
  const [sokolov] = await db
    .insert(mangoEmployees)
    .values({ tenantId, mangoKey: "user:103", extension: "103", name: "Соколов Дмитрий" })
    .returning();
  employeeId = sokolov!.id;
  await db.insert(amocrmUsers).values({ tenantId, amoUserId: 9_100_103, name: "Дмитрий Соколов" });
  const [call] = await db
    .insert(calls)
    .values({
      tenantId,
      entryId: "unattributed-1",
      direction: "incoming",
      stage: "finished",
      clientPhone: "+79161112233",
      answeredExtension: "103",
      rangExtensions: ["103"],
      talkSeconds: 64,
      startedAt: new Date(Date.now() - 3600_000),
    })
    .returning();
  callId = call!.id;
  await db.insert(callLogs).values({
    tenantId,
    callId,
    state: "skipped",
    skipKind: "unattributed",
    reason: "сотрудник 103 не сопоставлен с пользователем amoCRM, а «Сохранять все звонки» выключено",
  });
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
  await seed(app.seed.tenantId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Звонки: «Неразобранные звонки»", () => {
  it("lists a call of an unpaired extension and pairs the extension right there, re-logging the call", async () => {
    const page = await signedInPage();
    await page.goto(`${app.url}/calls`);
    const section = page.getByTestId("unattributed-calls");
    await section.getByText("Неразобранные звонки").waitFor();
    const row = section.getByTestId("unattributed-row");
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("+7916***2233");
    expect(text).toContain("Доб. 103 — Соколов Дмитрий");
    expect(text).not.toMatch(/\d{11}/);

    await row.getByRole("combobox", { name: "Пользователь amoCRM для Соколов Дмитрий" }).click();
    await page.getByRole("option", { name: "Дмитрий Соколов", exact: true }).click();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "calls-unattributed.png"), fullPage: true });
    await row.getByRole("button", { name: "Связать" }).click();

    // The pair is written and the call's re-log is queued under the pairing's own key.
    await section.getByTestId("unattributed-relogging").waitFor({ timeout: 20_000 });
    const db = app.db.db;
    const [link] = await db
      .select()
      .from(employeeLinks)
      .where(
        and(eq(employeeLinks.tenantId, app.seed.tenantId), eq(employeeLinks.mangoEmployeeId, employeeId)),
      );
    expect(link?.amoUserId).toBe(9_100_103);
    const runs = await db
      .select()
      .from(jobRuns)
      .where(
        and(
          eq(jobRuns.jobId, writeCallJob.id),
          eq(jobRuns.idempotencyKey, `call:${callId}:relog:${link!.id}`),
        ),
      );
    expect(runs).toHaveLength(1);
    await page.screenshot({
      path: path.join(ARTIFACTS_DIR, "calls-unattributed-paired.png"),
      fullPage: true,
    });

    expect(browserErrors, "errors in the browser console").toEqual([]);
  });
});
