import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { DEMO_ACCOUNT_ID } from "@/emulators/amocrm/seed-ids";
import type { SmsAction } from "@/lib/domain/rules/schema";
import { listJournal } from "@/server/activity/journal";
import { DECISION, type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";
import { FEED_RECHECKS, TRIGGER_REASONS } from "./dp-confirm";

/**
 * Issue 16 §7: the DP webhook is unsigned, so a rule acts only once amoCRM confirms the trigger. Against
 * both emulators over HTTP: forged webhooks (a deal in another stage, a deal sitting in the stage that
 * never moved, one edited but not moved) send nothing and the journal says why; a genuine move still
 * sends exactly one SMS; a deal deleted before the job ran is skipped with the reason.
 */
const SMS: SmsAction = {
  kind: "sms",
  recipients: ["client"],
  senderName: "AMANGO",
  template: "Здравствуйте, {{maincontact.name}}!",
  fallback: null,
};
/** Seeded deals with their main contact's mobile: two sitting in «Принимают решение», one elsewhere. */
const SITTING = { leadId: 5_300_000, contactId: 5_400_000, mobile: "79005550011" };
const EDITED = { leadId: 5_300_002, contactId: 5_400_002, mobile: "79005550012" };
const DELETED = { leadId: 5_300_004, contactId: 5_400_004, mobile: "79005550013" };
const MOVED = { leadId: 167353, mobile: "79161234567" }; // «Переговоры», contact 3 «Иван Иванов»
const ELSEWHERE = { leadId: 9785993, mobile: "79031112233" }; // «Первичный контакт», Анна Петрова

let w: DpWorld;
const sentTo = async (mobile: string) => (await w.smsCommands()).filter((c) => c.to_number === mobile).length;

/** A DP webhook as anyone holding the URL could post it: the real account, any deal, "entered now". */
async function forgeDp(
  leadId: number,
  stage = DECISION,
  time = Math.floor(Date.now() / 1000),
  type: [number, string] = [14, "lead_status_changed"],
) {
  const res = await fetch(w.dpUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: {
        type: type[0],
        type_code: type[1],
        data: {
          id: leadId,
          element_type: 2,
          ...{ pipeline_id: stage.pipelineId, status_id: stage.statusId },
        },
        time,
      },
      action: { settings: { widget: { settings: {} } } },
      subdomain: "demo",
      account_id: DEMO_ACCOUNT_ID,
    }),
  });
  expect(res.status).toBe(200);
  await w.settle();
}

/** The journal's row for the deal's DP event: its outcome and reason as the owner reads them. */
async function journalRowOf(leadId: number) {
  const { items } = await listJournal(w.t.db, {
    tenantId: w.tenant.id,
    amocrmBaseUrl: w.tenant.amocrmBaseUrl,
    limit: 100,
  });
  return items.filter((g) => g.key.startsWith(`lead:${leadId}@`));
}

beforeAll(async () => {
  w = await startDpWorld();
  const state = (await (await fetch(`${w.amo.url}/__control/state`)).json()) as {
    accounts: Record<string, { leads: unknown[]; contacts: unknown[] }>;
  };
  const demo = state.accounts.demo!;
  for (const [i, s] of [SITTING, EDITED, DELETED].entries()) {
    const c = contact(s.contactId, "Клиент", `${i}`, [phoneCf(`+${s.mobile}`, "MOB")], MANAGER.amoUserId);
    const stage = s === DELETED ? FIRST_CONTACT : DECISION;
    const l = lead(s.leadId, `Сделка ${i}`, 10_000, stage.pipelineId, stage.statusId, [c.id]);
    l.responsible_user_id = MANAGER.amoUserId;
    demo.contacts.push(c);
    demo.leads.push(l);
  }
  const seeded = await fetch(`${w.amo.url}/__control/seed`, {
    method: "POST",
    body: JSON.stringify({ state }),
  });
  expect(seeded.ok).toBe(true);
  await w.rule({ ...DECISION, name: "Приветствие", actions: [SMS] });
}, 60_000);
afterAll(() => w?.close());

describe("a forged DP webhook", () => {
  it("for a deal in another stage sends no SMS, and the journal says the trigger was not confirmed", async () => {
    await forgeDp(ELSEWHERE.leadId);
    expect(await sentTo(ELSEWHERE.mobile)).toBe(0);
    const [row] = await journalRowOf(ELSEWHERE.leadId);
    expect(row).toMatchObject({ kind: "rules.evaluate", status: "skipped" });
    expect(row!.reason).toBe(TRIGGER_REASONS.otherStage);
    expect(row!.reason).toContain("ничего не отправлено");
  }, 60_000);

  it("for a deal sitting in the stage that never moved sends no SMS (amoCRM: unchanged since)", async () => {
    await forgeDp(SITTING.leadId);
    expect(await sentTo(SITTING.mobile)).toBe(0);
    const [row] = await journalRowOf(SITTING.leadId);
    expect(row).toMatchObject({ status: "skipped", reason: TRIGGER_REASONS.unchanged });
  }, 60_000);

  it("for a deal in the stage edited just now but not moved sends no SMS (no move in amoCRM's events)", async () => {
    await w.amoControl("leads/update", {
      subdomain: "demo",
      lead_id: EDITED.leadId,
      changes: { price: 20_000 },
    });
    await forgeDp(EDITED.leadId);
    expect(await sentTo(EDITED.mobile)).toBe(0);
    const [row] = await journalRowOf(EDITED.leadId);
    expect(row).toMatchObject({ status: "skipped", reason: TRIGGER_REASONS.noMove });
    // Looked for the move again before giving up (the feed may lag the webhook).
    const run = (await w.evaluateRuns()).find(
      (r) => (r.payload as { event: { leadId: number } }).event.leadId === EDITED.leadId,
    );
    expect(run).toMatchObject({ status: "skipped", attempts: FEED_RECHECKS + 1 });
    // The check asked amoCRM's event feed for this deal's stage moves.
    const log = (await (
      await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api/v4/events`)
    ).json()) as {
      query: string;
      status: number;
    }[];
    const asked = log.map((e) => new URLSearchParams(e.query));
    expect(asked.some((q) => q.get("filter[entity_id]") === String(EDITED.leadId))).toBe(true);
    expect(asked.every((q) => q.get("filter[type]") === "lead_status_changed")).toBe(true);
  }, 60_000);
});

describe("a genuine move", () => {
  it("still sends exactly one SMS, confirmed by amoCRM", async () => {
    const deliveries = await w.moveDeal(MOVED.leadId, DECISION.statusId);
    expect(deliveries.filter((d) => d.url === w.dpUrl)).toHaveLength(1);
    await w.settle();
    expect(await sentTo(MOVED.mobile)).toBe(1);
    const [row] = await journalRowOf(MOVED.leadId);
    expect(row).toMatchObject({ kind: "rules.evaluate", status: "done" });
  }, 60_000);

  it("re-posted with a shifted time is the same move to amoCRM: the same intent, nothing more is sent", async () => {
    const [first] = (await w.evaluateRuns()).filter(
      (r) => (r.payload as { event: { leadId: number } }).event.leadId === MOVED.leadId,
    );
    const body = (first!.payload as { event: unknown }).event as { time: number };
    await forgeDp(MOVED.leadId, DECISION, body.time + 90);
    expect(await sentTo(MOVED.mobile)).toBe(1);
    const rows = (await w.sms()).filter((r) => r.leadId === MOVED.leadId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotencyKey).toMatch(/:amo:move:\w+:sms:client$/);
  }, 60_000);
});

describe("a deal deleted before the job ran", () => {
  it("is skipped with the reason, nothing sent", async () => {
    // The move's webhook is accepted and queued; the deal is deleted in amoCRM before the rules job runs.
    const deliveries = await w.moveDeal(DELETED.leadId, DECISION.statusId);
    expect(deliveries.filter((d) => d.url === w.dpUrl)).toHaveLength(1);
    await w.amoControl("leads/delete", { subdomain: "demo", lead_id: DELETED.leadId });
    await w.settle();
    expect(await sentTo(DELETED.mobile)).toBe(0);
    const [row] = await journalRowOf(DELETED.leadId);
    expect(row).toMatchObject({ status: "skipped", reason: TRIGGER_REASONS.gone(DELETED.leadId) });
  }, 60_000);
});

describe("a deal created in the stage", () => {
  const CREATED_TEXT = "Заявка принята";
  const textsSent = async () => (await w.smsCommands()).filter((c) => c.text === CREATED_TEXT);

  it("is confirmed by its creation time and texted once; a forged creation of an old deal is not", async () => {
    await w.rule({
      ...DECISION,
      name: "Новая заявка",
      trigger: "created_in_stage",
      actions: [{ ...SMS, template: CREATED_TEXT }],
    });
    const [created] = await w.amocrm().createLeads([
      {
        name: "Заявка с сайта",
        pipeline_id: DECISION.pipelineId,
        status_id: DECISION.statusId,
        responsible_user_id: MANAGER.amoUserId,
        _embedded: { contacts: [{ id: 11070881, is_main: true }] },
      },
    ]);
    await fetch(`${w.amo.url}/__control/deliveries/settle`, { method: "POST" });
    await w.settle();
    expect(await textsSent()).toHaveLength(1);
    const rows = (await w.sms()).filter((r) => r.leadId === created!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotencyKey).toContain(":created_in_stage:amo:created:");

    await forgeDp(SITTING.leadId, DECISION, Math.floor(Date.now() / 1000), [1, "lead_added"]);
    expect(await textsSent()).toHaveLength(1);
    const [row] = (await journalRowOf(SITTING.leadId)).filter((g) => g.reason === TRIGGER_REASONS.notCreated);
    expect(row).toMatchObject({ status: "skipped" });
  }, 60_000);
});
