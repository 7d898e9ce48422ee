// Issue 11 §7 "The demo explains itself": in demo mode the portal's banner links to the amoCRM emulator's
// control page (deals with their stages; moving one there posts the DP webhook), and the portal's links to
// amoCRM contacts open the emulator's read-only card instead of a 404.
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls, tenants } from "@/db/schema";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, PIPELINE_MAIN, STATUS } from "@/emulators/amocrm/seed";
import { type RunningAmocrmEmulator, startAmocrmEmulator } from "@/emulators/amocrm/server";
import { type MangoEmulator, startMangoEmulator } from "@/emulators/mango/server";
import { writeCallJob } from "@/server/calls/jobs";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { type AppServer, startAppServer } from "./app-server";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";

let app: AppServer;
let amo: RunningAmocrmEmulator;
let mango: MangoEmulator;
let browser: Browser;
const browserErrors: string[] = [];
/** Stands in for the portal's DP endpoint: the test only needs to see that the webhook went out. */
const dpReceiver = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200).end("ok"));
});
const LEAD = 167353; // «Поставка оборудования — Иванов», «Переговоры», contact 3 Иван Иванов

/** One call logged on the emulator's contact 3 (Иван Иванов), as calls.log leaves it. */
async function seedLoggedCall(tenantId: string) {
  const db = app.db.db;
  const [call] = await db
    .insert(calls)
    .values({
      tenantId,
      entryId: "emu-1",
      stage: "finished",
      direction: "incoming",
      startedAt: new Date(Date.now() - 60_000),
      clientPhone: "+79161234567",
      answeredExtension: "101",
      rangExtensions: ["101"],
      talkSeconds: 35,
    })
    .returning();
  const run = await insertJobRun(
    db,
    writeCallJob,
    { callId: call!.id },
    { tenantId, idempotencyKey: `call:${call!.id}`, driver: "local", delaySeconds: 7 * 24 * 3600 },
  );
  await recordAttempt(
    db,
    writeCallJob,
    run.row,
    1,
    { kind: "done", result: { contactId: 3 } },
    { retryAt: null },
  );
}

function signedInPage(): Promise<Page> {
  return signedInOwnerPage(browser, {
    baseURL: app.url,
    ownerName: app.seed.owner.name,
    errors: browserErrors,
    consoleErrors: false,
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await new Promise<void>((r) => dpReceiver.listen(0, "127.0.0.1", r));
  mango = await startMangoEmulator({ port: 0 });
  amo = await startAmocrmEmulator({ port: 0, mangoUrl: mango.url });
  app = await startAppServer({
    env: {
      AMOCRM_EMULATOR_URL: amo.url,
      AMOCRM_CLIENT_ID: DEMO_CLIENT_ID,
      AMOCRM_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      MANGO_API_URL: `${mango.url}/vpbx`,
    },
    // The seeded tenant lives on the emulator's `demo` account.
    seed: (db) =>
      db
        .update(tenants)
        .set({ amocrmBaseUrl: `${amo.url}/a/demo` })
        .then(() => undefined),
  });
  await seedLoggedCall(app.seed.tenantId);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await amo?.close();
  await mango?.close();
  await new Promise((r) => dpReceiver.close(r));
});

describe("the demo explains itself", () => {
  it("the demo banner opens the emulator's control page; moving a deal there posts the DP webhook", async () => {
    const dpUrl = `http://127.0.0.1:${(dpReceiver.address() as AddressInfo).port}/dp`;
    const placed = await fetch(`${amo.url}/__control/dp/actions`, {
      method: "POST",
      body: JSON.stringify({ subdomain: "demo", status_id: STATUS.mainDecision, webhook_url: dpUrl }),
    });
    expect(placed.status).toBe(201);

    const page = await signedInPage();
    const banner = page.getByTestId("demo-banner");
    await expect(banner.textContent()).resolves.toContain("Демо-режим");
    const link = banner.getByRole("link", { name: "Открыть пульт эмулятора" });
    await expect(link.getAttribute("href")).resolves.toBe(`${amo.url}/__control/ui`);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "demo-banner.png") });

    await page.goto(`${amo.url}/__control/ui`);
    await page.getByRole("heading", { name: "Пульт эмулятора amoCRM" }).waitFor();
    const row = page.locator(`tr[data-lead="${LEAD}"]`);
    await expect(row.getByTestId("stage").textContent()).resolves.toBe("Основная воронка → Переговоры");
    await row
      .getByRole("combobox", { name: `Этап для сделки ${LEAD}` })
      .selectOption(`${PIPELINE_MAIN}:${STATUS.mainDecision}`);
    await row.getByRole("button", { name: "Перенести" }).click();
    const notice = page.getByTestId("notice");
    await expect(notice.textContent()).resolves.toContain(
      "перенесена на этап «Основная воронка → Принимают решение»",
    );
    await expect(notice.textContent()).resolves.toContain("DP → 200");
    await expect(page.locator(`tr[data-lead="${LEAD}"]`).getByTestId("stage").textContent()).resolves.toBe(
      "Основная воронка → Принимают решение",
    );
    const deliveries = (await (await fetch(`${amo.url}/__control/deliveries`)).json()) as Array<{
      kind: string;
      url: string;
      status: number;
    }>;
    expect(deliveries.map((d) => [d.kind, d.url, d.status])).toContainEqual(["dp", dpUrl, 200]);
    // The portal's own requests to amoCRM are listed on the page.
    await expect(page.getByRole("heading", { name: "Запросы портала к amoCRM" }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "emulator-control.png"), fullPage: true });
  });

  it("a contact link on «Звонки» opens the emulator's contact card", async () => {
    const page = await signedInPage();
    await page.goto("/calls");
    const contact = page
      .getByTestId("call-row")
      .filter({ hasText: "+7916***4567" })
      .getByTestId("call-contact");
    const href = await contact.getAttribute("href");
    expect(href).toBe(`${amo.url}/a/demo/contacts/detail/3`);
    const res = await page.goto(href!);
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId("entity-name").textContent()).resolves.toBe("Иван Иванов");
    await expect(page.locator("body").textContent()).resolves.toContain("+79161234567");
    await expect(page.locator("body").textContent()).resolves.toContain("Поставка оборудования — Иванов");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "emulator-contact.png"), fullPage: true });

    // A deal link from the card opens the deal's card.
    await page.getByRole("link", { name: "Поставка оборудования — Иванов" }).click();
    await page.waitForURL(`**/a/demo/leads/detail/${LEAD}`);
    await expect(page.getByTestId("responsible").textContent()).resolves.toBe("Алексей Смирнов");
    expect(browserErrors).toEqual([]);
  });
});
