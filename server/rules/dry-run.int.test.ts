import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackQueue, campaignTasks, jobRuns, mangoEmployees, smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import type { RuleDraft } from "@/lib/domain/rules/schema";
import { CC_OFF } from "@/server/campaigns/action";
import { syncAmocrmDirectory } from "@/server/directory/amocrm-sync";
import { addMembership, upsertUser } from "@/server/tenancy/queries";
import type { SessionIdentity } from "@/server/trpc/init";
import { createCaller } from "@/server/trpc/router";
import { type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";

/**
 * Acceptance 6 of the auto-callback issue: «Проверить на сделке» (rules.dryRun) on a real deal, for a rule
 * with SMS + callback, says the text and its recipients and who would be called from which line — and
 * sends nothing: the MANGO emulator's state is the same afterwards, and no SMS row, queue item or job run
 * is made.
 */
let w: LogWorld;
let author: SessionIdentity;

const NEGOTIATION = { pipelineId: 3383152, statusId: 33929755 }; // «Переговоры» of the demo account
const SUPPLY_DEAL = 167353; // «Поставка оборудования — Иванов», responsible 101 (Алексей Смирнов)
const MANAGER = { amoUserId: PAIRS["101"], name: "Алексей Смирнов", mobile: "+79161110101" };
const ANALYST = 32321; // paired with 102

const caller = (session: SessionIdentity) =>
  createCaller({ db: w.t.db, queue: createLocalQueue(w.t.db), session, requestId: "test" });

/** The MANGO emulator's PBX state and its log of API requests. */
const mangoState = async () => {
  const res = await fetch(`${w.mango.url}/__control/state`);
  const { pbxes, counters } = (await res.json()) as { pbxes: unknown; counters: unknown };
  const log = (await (await fetch(`${w.mango.url}/__control/requests`)).json()) as { requests: unknown[] };
  return JSON.stringify({ pbxes, counters, requests: log.requests });
};

beforeAll(async () => {
  w = await startLogWorld();
  await w.t.db
    .update(mangoEmployees)
    .set({ mobile: MANAGER.mobile })
    .where(and(eq(mangoEmployees.tenantId, w.tenant.id), eq(mangoEmployees.extension, "101")));
  await syncAmocrmDirectory(w.t.db, { tenantId: w.tenant.id, client: w.amocrm() });
  const analyst = await upsertUser(w.t.db, { amocrmUserId: ANALYST, name: "Ольга Кузнецова" });
  await addMembership(w.t.db, { tenantId: w.tenant.id, userId: analyst.id, role: "admin" });
  author = { userId: analyst.id, tenantId: w.tenant.id };
}, 60_000);
afterAll(() => w?.close());

const draft = (actions: RuleDraft["actions"]): RuleDraft => ({
  ...NEGOTIATION,
  name: "Перезвон и SMS",
  enabled: true,
  trigger: "entered_stage",
  conditions: { mode: "all", items: [] },
  actions,
  applyToCurrentDeals: false,
});

describe("rules.dryRun", () => {
  it("shows the SMS text and recipients and who would be called from which line, and sends nothing", async () => {
    const before = await mangoState();
    const out = await caller(author).rules.dryRun({
      leadId: SUPPLY_DEAL,
      rule: draft([
        {
          kind: "sms",
          recipients: ["client", "responsible"],
          senderName: "AMANGO",
          template: "Здравствуйте, {{maincontact.name}}! Ваш менеджер {{user.name}}",
          fallback: null,
        },
        {
          kind: "callback",
          target: { type: "responsible" },
          lineNumber: "74950000000",
          taskOnFailure: true,
          stageOnSuccess: null,
          stageOnFailure: { pipelineId: 3383152, statusId: 33929752 },
        },
      ]),
    });
    if (!out.found) throw new Error("deal not found");
    expect(out.conditions.matches).toBe(true);
    const [sms, callback] = out.actions;
    expect(sms?.kind).toBe("sms");
    // Both recipients, masked, with the text as it would be sent.
    expect(sms?.would).toHaveLength(2);
    expect(sms?.would.join("\n")).toContain(`Ваш менеджер ${MANAGER.name}`);
    expect(sms?.would.join("\n")).toContain("+7916***0101");
    expect(sms?.would.join("\n")).not.toContain(MANAGER.mobile);
    expect(callback?.kind).toBe("callback");
    expect(callback?.would[0]).toMatch(
      /^Позвонит: сначала ответственного «Алексей Смирнов» \(доб\. 101\), затем клиенту \+7\d{3}\*\*\*\d{4}.*, с линии 74950000000\.$/,
    );
    expect(callback?.would.join("\n")).toContain("Встанет в очередь автоперезвона (в очереди 0");
    expect(callback?.would.join("\n")).toContain(
      "Если звонок не состоится: задача для «Алексей Смирнов»; сделка →",
    );
    expect(callback?.skipped).toEqual([]);

    // Nothing sent, queued or written.
    expect(await mangoState()).toBe(before);
    expect(await w.t.db.select().from(smsMessages)).toHaveLength(0);
    expect(await w.t.db.select().from(callbackQueue)).toHaveLength(0);
    expect(await w.t.db.select().from(jobRuns)).toHaveLength(0);
  });

  it("names a group by its MANGO name and says why a target cannot be called", async () => {
    const out = await caller(author).rules.dryRun({
      leadId: SUPPLY_DEAL,
      rule: draft([
        {
          kind: "callback",
          target: { type: "group", mangoGroupId: 10060001 },
          lineNumber: "74950000000",
          taskOnFailure: false,
          stageOnSuccess: null,
          stageOnFailure: null,
        },
      ]),
    });
    if (!out.found) throw new Error("deal not found");
    expect(out.actions[0]?.would[0]).toContain("сначала группу «Отдел продаж» (короткий номер 201)");

    // An employee without an extension: skipped with the reason, nothing would be queued.
    const unpaired = await caller(author).rules.dryRun({
      leadId: SUPPLY_DEAL,
      rule: draft([
        {
          kind: "callback",
          target: { type: "employee", amoUserId: 504141, userName: "Администратор" },
          lineNumber: null,
          taskOnFailure: false,
          stageOnSuccess: null,
          stageOnFailure: null,
        },
      ]),
    });
    if (!unpaired.found) throw new Error("deal not found");
    expect(unpaired.actions[0]?.would).toEqual([]);
    expect(unpaired.actions[0]?.skipped[0]).toContain("нет сопоставленного внутреннего номера MANGO OFFICE");
  });

  it("shows the number that would be added to which campaign — only while the Contact Center flags are on", async () => {
    const campaign = draft([
      {
        kind: "campaign",
        campaignId: 56919,
        campaignName: "Заявки с сайта",
        onNotReached: { task: true, stage: null },
      },
    ]);
    const off = await caller(author).rules.dryRun({ leadId: SUPPLY_DEAL, rule: campaign });
    if (!off.found) throw new Error("deal not found");
    expect(off.actions[0]).toMatchObject({ kind: "campaign", would: [], skipped: [CC_OFF] });

    await w.settings({ extra: { contactCenter: { enabled: true, dpTasks: { enabled: true } } } });
    const before = await mangoState();
    const on = await caller(author).rules.dryRun({ leadId: SUPPLY_DEAL, rule: campaign });
    if (!on.found) throw new Error("deal not found");
    // The deal's main contact (Иванов, +7 916 123-45-67), masked, normalised to +7.
    expect(on.actions[0]?.would).toEqual([
      expect.stringMatching(/^Добавит \+7916\*\*\*4567( \(.+\))? в кампанию «Заявки с сайта»\.$/),
    ]);
    expect(on.actions[0]?.skipped).toEqual([]);
    expect(await mangoState()).toBe(before);
    expect(await w.t.db.select().from(campaignTasks)).toHaveLength(0);
    expect(await w.t.db.select().from(jobRuns)).toHaveLength(0);
  });

  it("answers a deal that does not exist as not found", async () => {
    const out = await caller(author).rules.dryRun({
      leadId: 999_999_999,
      rule: draft([{ kind: "callback", target: { type: "responsible" } } as RuleDraft["actions"][number]]),
    });
    expect(out.found).toBe(false);
  });
});
