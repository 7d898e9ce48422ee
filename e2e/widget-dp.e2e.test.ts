// Acceptance 8 (issue 7): the rule saved in the portal is visible and editable in the widget's Digital Pipeline
// settings iframe on the amoCRM emulator's stand-in page, for stage «Переговоры» — through the widget's tRPC
// endpoint (/widget/api/trpc), the same API as the portal. Screenshot: test-results/artifacts/widget-dp-rules.png.
// Issue 11: the stand-in is on another site than the portal and the browser blocks third-party cookies
// (widget-dp-3pc-blocked.png); the iframe's calls carry its session token, no cookie.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID } from "@/emulators/amocrm/server";
import { createLocalQueue } from "@/inngest/local/queue";
import { ruleDraftSchema } from "@/lib/domain/rules/schema";
import { saveRule } from "@/server/rules/store";
import { createCaller } from "@/server/trpc/router";
import { SCENARIO } from "@/test/sms-scenario";
import { ARTIFACTS_DIR, launchChromiumProfile } from "./browser";
import { type ScenarioPortal, startScenarioPortal } from "./scenario-portal";
import {
  cookiesSent,
  crossSiteAmocrm,
  installPortalWidget,
  openStandIn,
  PROBE_COOKIE,
  standInUrl,
  watchPortalRequests,
} from "./widget-stand-in";

// Secrets sealed by this process (tokens, the MANGO key) must open in the portal's.
const ENCRYPTION_KEY = randomBytes(32).toString("base64");
process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
process.env.AUTH_SECRET ??= randomBytes(32).toString("hex");

const RULE_NAME = "VIP: персональный менеджер";
const EDITED_NAME = "VIP: персональный менеджер (из amoCRM)";

let portal: ScenarioPortal;
let amo: ScenarioPortal["amo"];
let app: ScenarioPortal["app"];
let browser: Awaited<ReturnType<typeof launchChromiumProfile>>;
let portalRequests: Awaited<ReturnType<typeof watchPortalRequests>>;
let page: Page;
let tenant: ScenarioPortal["tenant"];
let owner: ScenarioPortal["owner"];
let ruleId: string;

/** The portal's view of the stage, through the portal's own tRPC context (the owner's next-auth identity). */
const portalRules = () =>
  createCaller({
    db: app.db.db,
    queue: createLocalQueue(app.db.db),
    session: { userId: owner.id, tenantId: tenant.id },
    requestId: "e2e",
  }).rules.list(SCENARIO.negotiation);

beforeAll(async () => {
  // The widget pages need a connected PBX; the scenario pairs the admin with extension 104, so the widget
  // user may save an SMS rule.
  const amoOptions = crossSiteAmocrm();
  portal = await startScenarioPortal({
    encryptionKey: ENCRYPTION_KEY,
    connectMango: true,
    amocrm: amoOptions,
  });
  ({ amo, app, tenant, owner } = portal);
  const db = app.db.db;

  // The rule of acceptance 1, saved earlier in the portal.
  const saved = await saveRule(db, {
    tenantId: tenant.id,
    actorUserId: owner.id,
    authorAmoUserId: SCENARIO.admin.amoUserId,
    draft: ruleDraftSchema.parse({
      ...SCENARIO.negotiation,
      name: RULE_NAME,
      trigger: "responsible_changed",
      conditions: {
        mode: "all",
        items: [
          { kind: "tag", op: "equals", value: SCENARIO.vipTag.name },
          { kind: "budget", op: "gt", value: 50_000 },
        ],
      },
      actions: [{ kind: "sms", recipients: ["client"], senderName: "AMANGO", template: SCENARIO.template }],
    }),
  });
  ruleId = saved!.id;

  // amoCRM's page on localhost, the portal on 127.0.0.1: two sites.
  expect(new URL(amo.url).hostname).not.toBe(new URL(app.url).hostname);
  await installPortalWidget(app.url, amoOptions.widgetsDir);
  browser = await launchChromiumProfile({ blockThirdPartyCookies: true });
  portalRequests = await watchPortalRequests(browser.context, app.url);
  page = await browser.context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`[amoCRM tab] ${m.text()}`);
  });
  // amoCRM's pipeline editor, on the DP action of «Переговоры».
  await openStandIn(
    page,
    standInUrl(amo.url, {
      client_id: DEMO_CLIENT_ID,
      user_id: String(SCENARIO.admin.amoUserId),
      dp_pipeline_id: String(SCENARIO.negotiation.pipelineId),
      dp_status_id: String(SCENARIO.negotiation.statusId),
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function openDpSettings(): Promise<FrameLocator> {
  await page.locator("#open-dp-settings").click();
  const frame = page.frameLocator("iframe.amango-dp-frame");
  await frame.locator("[data-testid=widget-dp]").waitFor({ timeout: 20_000 });
  return frame;
}

describe("the stage's rules in the widget's Digital Pipeline settings", () => {
  it("shows the rule saved in the portal, for «Переговоры»", async () => {
    const frame = await openDpSettings();
    expect(await frame.locator("[data-testid=widget-dp-stage]").textContent()).toContain("Переговоры");
    const card = frame.locator(`[data-testid="rule-${ruleId}"]`);
    await card.waitFor({ timeout: 20_000 });
    expect(await card.locator("[data-testid=rule-name]").textContent()).toBe(RULE_NAME);
    // The card shows the macros by their labels (issue 11 §5).
    expect(await card.locator("[data-testid=rule-template]").textContent()).toBe(
      "Добрый день, Имя основного контакта! Ваш персональный менеджер Имя ответственного, тел. +74 955 404 444, доб.Внутренний номер ответственного в MANGO OFFICE",
    );
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-dp-3pc-blocked.png"), fullPage: true });
    // Signed in and read through tRPC with no cookie: the browser holds one of the portal's site and sent it
    // nowhere (third-party cookies blocked), and the frame's address no longer holds the token.
    const paths = portalRequests.map((r) => new URL(r.url()).pathname);
    expect(paths).toEqual(expect.arrayContaining(["/widget/dp", "/widget/api/session"]));
    expect(paths.some((p) => p.startsWith("/widget/api/trpc/") && p.includes("rules.list"))).toBe(true);
    for (const cookie of await cookiesSent(portalRequests)) expect(cookie).not.toContain(PROBE_COOKIE);
    const dpFrame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget/dp`));
    expect(dpFrame?.url()).not.toContain("token");
  });

  it("saves an edit made in the iframe, which the portal's rules.list then shows", async () => {
    const frame = page.frameLocator("iframe.amango-dp-frame");
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await editRuleName(frame, ruleId, EDITED_NAME);
    await expect
      .poll(async () => (await portalRules()).rules.map((r) => [r.id, r.name]))
      .toEqual([[ruleId, EDITED_NAME]]);
    const [rule] = (await portalRules()).rules;
    // Only the name changed: the rest of the rule is what the portal saved.
    expect(rule).toMatchObject({
      trigger: "responsible_changed",
      actions: [{ kind: "sms", template: SCENARIO.template }],
    });
    await frame
      .locator(`[data-testid="rule-${ruleId}"] [data-testid=rule-name]`, { hasText: EDITED_NAME })
      .waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-dp-rules.png"), fullPage: true });
  });

  it("refuses the same API to the amoCRM page around the iframe (another origin)", async () => {
    const url = `${app.url}/widget/api/trpc/rules.list?input=${encodeURIComponent('{"json":{}}')}`;
    const answered = page.waitForResponse((r) => r.url() === url);
    // No custom header can ride along from another origin without a preflight (never approved), and
    // Sec-Fetch-Site says it is not our origin: 403 from the own-page check, before any session is read
    // (past the check, a request without a session token would be 401).
    await page.evaluate((u) => fetch(u, { credentials: "include", mode: "no-cors" }).catch(() => null), url);
    const res = await answered;
    expect(res.status()).toBe(403);
    expect(await res.text().catch(() => "")).not.toContain(ruleId);
  });

  it("answers UNAUTHORIZED to the iframe's own kind of call without its session token", async () => {
    const frame = page.frames().find((f) => f.url().startsWith(`${app.url}/widget/dp`));
    const status = await frame?.evaluate(async () => {
      const res = await fetch("/widget/api/trpc/rules.list?input=%7B%22json%22%3A%7B%7D%7D", {
        headers: { "x-trpc-source": "widget" },
      });
      return res.status;
    });
    expect(status).toBe(401);
  });

  it("still answers with the rule after the DP settings are opened again (fresh widget session)", async () => {
    const frame = await openDpSettings();
    await frame
      .locator(`[data-testid="rule-${ruleId}"] [data-testid=rule-name]`, { hasText: EDITED_NAME })
      .waitFor({ timeout: 20_000 });
  });
});

/** Opens the rule in the stage's editor (components/rules/stage-rules.tsx), renames it and saves. */
async function editRuleName(frame: FrameLocator, id: string, to: string): Promise<void> {
  await frame.locator(`[data-testid="rule-${id}"]`).getByRole("button", { name: "Изменить" }).click();
  const form = frame.locator("[data-testid=rule-form]");
  await form.getByLabel("Название").fill(to);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, "widget-dp-rule-form.png"), fullPage: true });
  await form.getByRole("button", { name: "Сохранить" }).click();
  await frame.locator("[data-testid=rules-notice]", { hasText: "Правило сохранено" }).waitFor();
}
