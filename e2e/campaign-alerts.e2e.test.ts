// A completed Contact Center campaign is never silent (issue 13 acceptance 2): a rule whose additions a
// completed campaign refused is listed on «Обзор» and shows an alert on its card, until someone changes the
// rule. Screenshots: test-results/artifacts/campaign-alert-overview.png, campaign-alert-rule-card.png.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignTasks } from "@/db/schema";
import { sealCampaignPhone } from "@/server/campaigns/phone";
import { saveRule } from "@/server/rules/store";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, launchChromium, signedInOwnerPage } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";

// Tokens sealed by this process must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;

const COMPLETED = { id: 1254251, name: "ММ Обзвон" };
const RULE_NAME = "В обзвон по старой кампании";
let portal: ScenarioPortal;
let browser: Browser;
const browserErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  portal = await startScenarioPortal({ encryptionKey: ENCRYPTION_KEY, connectMango: true });
  const db = portal.app.db.db;
  const rule = await saveRule(db, {
    tenantId: portal.tenant.id,
    actorUserId: portal.owner.id,
    authorAmoUserId: SCENARIO.admin.amoUserId,
    draft: {
      ...SCENARIO.negotiation,
      name: RULE_NAME,
      enabled: true,
      trigger: "entered_stage",
      conditions: { mode: "all", items: [] },
      actions: [
        {
          kind: "campaign",
          campaignId: COMPLETED.id,
          campaignName: COMPLETED.name,
          onNotReached: { task: true, stage: null },
        },
      ],
      applyToCurrentDeals: false,
    },
  });
  // Two additions the completed campaign refused after the rule was saved (campaigns.add writes these).
  for (const leadId of [7101, 7102]) {
    const id = randomUUID();
    await db.insert(campaignTasks).values({
      id,
      tenantId: portal.tenant.id,
      ruleId: rule!.id,
      leadId,
      campaignId: COMPLETED.id,
      campaignName: COMPLETED.name,
      idempotencyKey: `e2e:${leadId}`,
      state: "failed",
      resultCode: 5106,
      reason: `Кампания «${COMPLETED.name}» завершена — номер не добавлен`,
      updatedAt: new Date(Date.now() + 1000),
      ...sealCampaignPhone({ tenantId: portal.tenant.id, id }, `+7916777${leadId}`),
    });
  }
  browser = await launchChromium();
}, 300_000);

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

describe("a completed campaign", () => {
  it("is an alert on «Обзор» and on the rule's card", async () => {
    const page = await signedIn();
    const alerts = page.getByTestId("campaign-alerts");
    await alerts.waitFor();
    await expect(alerts.textContent()).resolves.toContain(
      `Правило «${RULE_NAME}»: кампания «${COMPLETED.name}» завершена — не добавлено номеров: 2`,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "campaign-alert-overview.png") });

    await alerts.getByRole("link", { name: "Открыть правила" }).click();
    await page.waitForURL("**/rules");
    await page.getByTestId("stage-list").getByRole("button", { name: SCENARIO.negotiation.name }).click();
    const card = page.locator("article", { hasText: RULE_NAME });
    const alert = card.getByTestId("rule-campaign-alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain(
      `Кампания «${COMPLETED.name}» завершена — номера не добавляются (не добавлено: 2)`,
    );
    await expect(card.getByTestId("rule-technical-task").textContent()).resolves.toBe(
      "Технический таск: ещё не добавлен (добавится с первым номером)",
    );
    await card.screenshot({ path: path.join(ARTIFACTS_DIR, "campaign-alert-rule-card.png") });
    await page.context().close();
    expect(browserErrors).toEqual([]);
  });
});
