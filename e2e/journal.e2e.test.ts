// Issue 11 §4, acceptance 4: after an answered incoming call — the MANGO emulator posts its signed events to
// the portal, the portal's job driver assembles the call and logs it into the amoCRM emulator — «Журнал»
// shows ONE row for it with the contact and deal links (test-results/artifacts/journal-call.png);
// expanding it shows the technical steps (webhooks received, job runs); «Только проблемы» shows only
// failures, skips (a hidden number's call) and rejections (a forged event), in Russian
// (test-results/artifacts/journal-problems.png).
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLogs, calls, callTopics, integrationSettings } from "@/db/schema";
import { settingsDocumentSchema } from "@/lib/domain/settings/schema";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, launchChromium } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens and the MANGO key sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const CLIENT = "+79991110022";
let portal: ScenarioPortal;
let browser: Browser;
let entryId = "";
/** A call from a hidden number: nothing to log it on, so its logging is skipped. */
let hiddenEntryId = "";
const browserErrors: string[] = [];

type AmoState = { contacts: { id: number }[]; leads: { id: number; contacts: { id: number }[] }[] };

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({ encryptionKey: ENCRYPTION_KEY, connectMango: true });
  const { db } = portal.app.db;
  // A new client's call makes a contact and a deal on «Переговоры».
  const settings = settingsDocumentSchema.parse({
    calls: {
      newClientAction: "contact_and_deal",
      answeredStage: { pipelineId: SCENARIO.negotiation.pipelineId, statusId: SCENARIO.negotiation.statusId },
      missedStage: { pipelineId: SCENARIO.negotiation.pipelineId, statusId: SCENARIO.negotiation.statusId },
    },
  });
  await db
    .insert(integrationSettings)
    .values({ tenantId: portal.tenant.id, settings })
    .onConflictDoUpdate({ target: integrationSettings.tenantId, set: { settings } });
  // The PBX posts its events to the portal's address for this tenant.
  await portal.control(portal.mango.url, "webhook", {
    url: `${portal.app.url}/api/mango/${portal.tenant.webhookKey}`,
  });
  const started = (await portal.control(portal.mango.url, "scenarios", {
    instant: true,
    type: "incoming",
    from: CLIENT,
    ring: [SCENARIO.lopatkin.extension],
    answeredBy: SCENARIO.lopatkin.extension,
    talkSeconds: 42,
  })) as { entry_id: string };
  entryId = started.entry_id;
  const hidden = (await portal.control(portal.mango.url, "scenarios", {
    instant: true,
    type: "incoming",
    from: "anonymous",
    ring: [SCENARIO.lopatkin.extension],
    answeredBy: SCENARIO.lopatkin.extension,
    talkSeconds: 5,
  })) as { entry_id: string };
  hiddenEntryId = hidden.entry_id;
  await fetch(`${portal.mango.url}/__control/deliveries?wait=1`);
  // A forged event on the same address: rejected, a problem of its own.
  await fetch(`${portal.app.url}/api/mango/${portal.tenant.webhookKey}/events/call`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ vpbx_api_key: "demo-vpbx-key", sign: "0".repeat(64), json: "{}" }).toString(),
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    baseURL: portal.app.url,
    locale: "ru-RU",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => browserErrors.push(`pageerror ${page.url()}: ${err.message}`));
  await page.goto("/login");
  await page.getByRole("button", { name: `Войти как ${portal.owner.name}` }).click();
  await page.waitForURL("**/overview");
  return page;
}

describe("Журнал for an owner", () => {
  it("shows an answered incoming call as one row with its amoCRM contact and deal, steps inside", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Журнал", exact: true }).click();
    await page.waitForURL("**/journal");
    const rows = page.locator(`[data-testid="journal-outcome"][data-key="call:${entryId}"]`);
    // calls.log runs 15 s after the summary (a late recording event may still arrive).
    await rows.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
    await expect(rows.count()).resolves.toBe(1);
    const row = rows.first();
    await expect(row.getByTestId("outcome-title").textContent()).resolves.toBe("Звонок записан в amoCRM");
    await expect(row.textContent()).resolves.toContain("Входящий · +7999***0022");

    // The links are those of what was really written into the amoCRM emulator.
    const [call] = await portal.app.db.db.select().from(calls).where(eq(calls.entryId, entryId));
    const [log] = await portal.app.db.db.select().from(callLogs).where(eq(callLogs.callId, call!.id));
    const state = (
      (await (await fetch(`${portal.amo.url}/__control/state`)).json()) as {
        accounts: Record<string, AmoState>;
      }
    ).accounts[SCENARIO.subdomain]!;
    expect(state.contacts.map((c) => c.id)).toContain(log!.contactId);
    const lead = state.leads.find((l) => l.id === log!.leadId);
    expect(lead?.contacts.map((c) => c.id)).toContain(log!.contactId);
    const base = portal.tenant.amocrmBaseUrl;
    await expect(row.getByTestId("outcome-contact-link").getAttribute("href")).resolves.toBe(
      `${base}/contacts/detail/${log!.contactId}`,
    );
    await expect(row.getByTestId("outcome-lead-link").getAttribute("href")).resolves.toBe(
      `${base}/leads/detail/${log!.leadId}`,
    );
    // No other row speaks of this call: its webhooks and job runs are folded into it.
    await expect(
      page.getByTestId("journal-outcome").filter({ hasText: "+7999***0022" }).count(),
    ).resolves.toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "journal-call.png") });

    // Expanded: the technical steps, the MANGO events received and the runs, ending with the logging.
    await row.getByTestId("outcome-toggle").click();
    const steps = row.getByTestId("journal-step");
    await expect.poll(() => steps.count()).toBeGreaterThanOrEqual(5);
    const texts = await steps.allTextContents();
    expect(texts.some((s) => s.includes("Звонок MANGO OFFICE"))).toBe(true);
    expect(texts.some((s) => s.includes("Событие MANGO OFFICE"))).toBe(true);
    expect(texts.at(-1)).toContain("Запись звонка в amoCRM");
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "journal-call-steps.png") });

    // One click away: the technical journal, every entry as recorded.
    await page.getByTestId("journal-tab-technical").click();
    await page.waitForURL("**/journal?view=technical");
    await expect.poll(() => page.getByTestId("journal-row").count()).toBeGreaterThan(5);
  });

  it("a Contact Center call's topics: the row says they were saved and links their deal (issue 14)", async () => {
    const { db } = portal.app.db;
    const [call] = await db.select().from(calls).where(eq(calls.entryId, entryId));
    // The topics went into a deal of their own (the call's deal is linked beside it).
    await db.insert(callTopics).values({
      tenantId: portal.tenant.id,
      callId: call!.id,
      entryId,
      campaignCall: true,
      state: "saved",
      deadlineAt: new Date(Date.now() + 3600_000),
      topicIds: [10070002],
      topicPaths: ["Исходящий обзвон / Интересно"],
      comment: "Просит КП на почту",
      leadId: 424_242,
      placement: "new_deal",
      finishedAt: new Date(),
    });
    const page = await signedIn();
    await page.goto("/journal");
    const row = page.locator(`[data-testid="journal-outcome"][data-key="call:${entryId}"]`);
    await row.getByTestId("outcome-topics").waitFor();
    await expect(row.getByTestId("outcome-topics").textContent()).resolves.toBe(
      "Тематики КЦ сохранены в сделку: Исходящий обзвон / Интересно",
    );
    await expect(row.getByTestId("outcome-topics-lead-link").getAttribute("href")).resolves.toBe(
      `${portal.tenant.amocrmBaseUrl.replace(/\/+$/, "")}/leads/detail/424242`,
    );
    await row.screenshot({ path: path.join(ARTIFACTS_DIR, "journal-call-topics.png") });
    await db.delete(callTopics).where(eq(callTopics.callId, call!.id));
  });

  it("«Только проблемы» shows only failures, skips and rejections, each with a Russian reason", async () => {
    const page = await signedIn();
    await page.goto("/journal");
    await page.locator(`[data-testid="journal-outcome"][data-key="call:${entryId}"]`).waitFor();
    await page.getByTestId("problems-only").click();
    // The hidden number's call: logging skipped, and why.
    const skipped = page.locator(`[data-testid="journal-outcome"][data-key="call:${hiddenEntryId}"]`);
    await skipped.and(page.locator('[data-state="skipped"]')).waitFor({ timeout: 60_000 });
    await expect(skipped.getByTestId("outcome-title").textContent()).resolves.toBe(
      "Звонок не записан в amoCRM",
    );
    await expect(skipped.getByTestId("outcome-reason").textContent()).resolves.toMatch(/[А-Яа-яЁё]/);
    const rejected = page.locator('[data-testid="journal-outcome"][data-state="rejected"]');
    await rejected.first().waitFor();
    await expect(rejected.first().getByTestId("outcome-reason").textContent()).resolves.toMatch(
      /^Подпись не совпала/,
    );
    await expect.poll(() => page.locator(`[data-key="call:${entryId}"]`).count()).toBe(0);
    const states = await page
      .getByTestId("journal-outcome")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    expect(states.length).toBeGreaterThan(0);
    for (const s of states) expect(["failed", "skipped", "rejected"]).toContain(s);
    for (const reason of await page.getByTestId("outcome-reason").allTextContents())
      expect(reason).toMatch(/[А-Яа-яЁё]/);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "journal-problems.png") });
    expect(browserErrors).toEqual([]);
  });
});
