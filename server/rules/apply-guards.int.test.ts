import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ruleApplications, smsMessages } from "@/db/schema";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { createLocalQueue } from "@/inngest/local/queue";
import type { Rule, SmsAction } from "@/lib/domain/rules/schema";
import { idempotencyKeyFor } from "@/server/actions/types";
import { sendSmsJob } from "@/server/sms/jobs";
import { SENT_RECENTLY, smsCommandIdFor } from "@/server/sms/plan";
import { drainJobs } from "@/test/db";
import { DECISION, type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";
import { applicationStatus, startApplyToCurrentDeals } from "./apply-current";
import { applyRuleToCurrentDealsJob } from "./apply-jobs";
import { ALREADY_SENT, CURRENT_DEALS_OCCURRENCE, TRIGGER_NOT_APPLICABLE } from "./apply-run";
import { STALLED_AFTER_MS, STALLED_REASON } from "./apply-store";

/**
 * The guards around "apply to current deals" and repeated SMS, against both emulators: a deal the DP webhook
 * already texted is not texted again by an application; DP bodies with fresh times (the webhook is unsigned)
 * are the move amoCRM confirms them by and text nothing new, and a real re-entry does not text a deal again
 * within 10 minutes; a retried application counts its own SMS as queued; a rule
 * whose trigger is not a stage entry is refused by the job; a silent application is reported failed.
 */
const SEEDED = [
  { leadId: 5_100_000, contactId: 5_200_000, mobile: "79005550001" },
  { leadId: 5_100_002, contactId: 5_200_002, mobile: "79005550002" },
];
const DP_LEAD = 167353; // main contact «Иван Иванов», mobile below
const DP_MOBILE = "79161234567";
const SMS: SmsAction = {
  kind: "sms",
  recipients: ["client"],
  senderName: "AMANGO",
  template: "Здравствуйте, {{maincontact.name}}!",
  fallback: null,
};

let w: DpWorld;
let tenantId: string;
let rule: Rule;
let firstDp: { url: string; body: string; contentType?: string | null };
const queue = () => createLocalQueue(w.t.db);
const drainApply = () => drainJobs(w.t.db, [applyRuleToCurrentDealsJob, sendSmsJob], 20_000);
const sentTo = async (mobile: string) => (await w.smsCommands()).filter((c) => c.to_number === mobile).length;
const start = async (ruleId: string) =>
  (await startApplyToCurrentDeals(w.t.db, queue(), { tenantId, ruleId, actorUserId: null }))!;

/** The DP webhook of the first move, posted again with its event time shifted (what anyone could post). */
async function postDp(shiftSec: number) {
  const body = JSON.parse(firstDp.body) as { event: { time: number } };
  body.event.time += shiftSec;
  const res = await fetch(w.dpUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  await w.settle();
}

/** The deal leaves «Принимают решение» and comes back, `advance` later on amoCRM's clock: a real new move. */
async function reenterDecision(advance: string) {
  await w.amoControl("clock", { advance });
  await w.moveDeal(DP_LEAD, FIRST_CONTACT.statusId);
  await w.amoControl("clock", { advance: "+5 s" });
  const back = await w.moveDeal(DP_LEAD, DECISION.statusId);
  expect(back.filter((d) => d.url === w.dpUrl)).toHaveLength(1);
  await w.settle();
}

beforeAll(async () => {
  w = await startDpWorld();
  tenantId = w.tenant.id;
  // Two deals already in «Принимают решение» (seeded: no DP webhook for them).
  const state = (await (await fetch(`${w.amo.url}/__control/state`)).json()) as {
    accounts: Record<string, { leads: unknown[]; contacts: unknown[] }>;
  };
  const demo = state.accounts.demo!;
  for (const [i, s] of SEEDED.entries()) {
    const c = contact(s.contactId, "Клиент", `${i}`, [phoneCf(`+${s.mobile}`, "MOB")], MANAGER.amoUserId);
    const l = lead(s.leadId, `Сделка ${i}`, 60_000, DECISION.pipelineId, DECISION.statusId, [c.id]);
    l.responsible_user_id = MANAGER.amoUserId;
    demo.contacts.push(c);
    demo.leads.push(l);
  }
  const seeded = await fetch(`${w.amo.url}/__control/seed`, {
    method: "POST",
    body: JSON.stringify({ state }),
  });
  expect(seeded.ok).toBe(true);
  rule = await w.rule({ ...DECISION, name: "Приветствие", actions: [SMS] });
}, 60_000);
afterAll(() => w?.close());

describe("a deal the DP webhook already texted", () => {
  it("is skipped when the rule is applied to the stage's deals, the others are texted", async () => {
    const deliveries = await w.moveDeal(DP_LEAD, DECISION.statusId);
    firstDp = deliveries.find((d) => d.url === w.dpUrl)!;
    expect(firstDp).toBeDefined();
    await w.settle();
    expect(await sentTo(DP_MOBILE)).toBe(1);

    const { applicationId } = await start(rule.id);
    await drainApply();
    const status = (await applicationStatus(w.t.db, { tenantId, ruleId: rule.id }))!;
    expect(status).toMatchObject({
      applicationId,
      status: "done",
      total: 3,
      processed: 3,
      queued: 2,
      skipped: 1,
      skipReasons: [{ reason: ALREADY_SENT, count: 1 }],
    });
    expect(await sentTo(DP_MOBILE)).toBe(1);
    for (const s of SEEDED) expect(await sentTo(s.mobile)).toBe(1);
  }, 60_000);
});

describe("DP webhooks with fresh event times (the webhook is not signed)", () => {
  const rowsOfDpLead = () =>
    w.t.db
      .select({ id: smsMessages.id, key: smsMessages.idempotencyKey })
      .from(smsMessages)
      .where(and(eq(smsMessages.ruleId, rule.id), eq(smsMessages.leadId, DP_LEAD)));

  it("are the move amoCRM confirms them by: the same intent, nothing new is texted", async () => {
    await postDp(60);
    await postDp(120);
    expect(await sentTo(DP_MOBILE)).toBe(1);
    expect(await rowsOfDpLead()).toHaveLength(1);
    // The three runs of DP_LEAD's webhook (the move, two re-posts) all acted on one intent: one queued it.
    const runs = (await w.evaluateRuns()).filter(
      (r) => (r.payload as { event: { leadId: number } }).event.leadId === DP_LEAD,
    );
    expect(runs.map((r) => r.status)).toEqual(["done", "done", "done"]);
    const queued = runs.map((r) => (r.result as { rules: { queued: number }[] }).rules[0]!.queued);
    expect(queued.sort()).toEqual([0, 0, 1]);
  }, 60_000);

  it("a real re-entry within 10 minutes does not text the deal again; the reason is in the journal", async () => {
    // Past the confirmation window of the first move, so the two moves cannot be taken for each other.
    await reenterDecision("+15 min");
    expect(await sentTo(DP_MOBILE)).toBe(1);
    const journal = JSON.stringify((await w.evaluateRuns()).map((r) => r.result));
    expect(journal).toContain(SENT_RECENTLY);
    expect(await rowsOfDpLead()).toHaveLength(1);
  }, 60_000);

  it("a real re-entry texts it again once the earlier SMS is more than 10 minutes old; a re-posted body does not", async () => {
    await w.t.db
      .update(smsMessages)
      .set({ createdAt: sql`now() - interval '11 minutes'` })
      .where(
        and(
          eq(smsMessages.tenantId, tenantId),
          eq(smsMessages.ruleId, rule.id),
          eq(smsMessages.leadId, DP_LEAD),
        ),
      );
    await postDp(180);
    expect(await sentTo(DP_MOBILE)).toBe(1);
    await reenterDecision("+1 min");
    expect(await sentTo(DP_MOBILE)).toBe(2);
  }, 60_000);
});

describe("an application resumed after a crashed attempt", () => {
  it("counts the SMS its own earlier attempt queued as queued, not as already sent", async () => {
    const second = await w.rule({
      ...DECISION,
      name: "Второе",
      actions: [{ ...SMS, template: "Добрый день!" }],
    });
    const { applicationId } = await start(second.id);
    // What the crashed attempt left: the row and the send run of the first seeded deal, keyed as the job keys.
    const s = SEEDED[0]!;
    const key = idempotencyKeyFor(
      second,
      s.leadId,
      { trigger: "entered_stage", ...DECISION, occurrence: CURRENT_DEALS_OCCURRENCE },
      "sms:client",
    );
    const [row] = await w.t.db
      .insert(smsMessages)
      .values({
        tenantId,
        ruleId: second.id,
        leadId: s.leadId,
        contactId: s.contactId,
        recipientRole: "client",
        phone: `+${s.mobile}`,
        text: "Добрый день!",
        fromExtension: MANAGER.extension,
        senderName: "AMANGO",
        idempotencyKey: key,
        commandId: smsCommandIdFor(key),
      })
      .returning();
    await queue().enqueue(sendSmsJob, { smsId: row!.id }, { tenantId, idempotencyKey: key });

    await drainApply();
    const status = (await applicationStatus(w.t.db, { tenantId, ruleId: second.id }))!;
    expect(status).toMatchObject({ applicationId, status: "done", processed: 3, queued: 3, skipped: 0 });
    const rows = await w.t.db.select().from(smsMessages).where(eq(smsMessages.ruleId, second.id));
    expect(rows.map((r) => r.leadId).sort()).toEqual([DP_LEAD, ...SEEDED.map((x) => x.leadId)].sort());
    expect((await w.smsCommands()).filter((c) => c.text === "Добрый день!")).toHaveLength(3);
  }, 60_000);
});

describe("a rule whose trigger is not a stage entry", () => {
  it("is refused by the application job with the reason, texting nobody", async () => {
    // Stored past the draft schema (which refuses the flag for this trigger), as an older rule could be.
    const lost = await w.rule({
      ...DECISION,
      name: "Отмена",
      trigger: "deal_lost",
      actions: [SMS],
      applyToCurrentDeals: true,
    });
    const before = (await w.smsCommands()).length;
    await start(lost.id);
    await drainApply();
    const status = (await applicationStatus(w.t.db, { tenantId, ruleId: lost.id }))!;
    expect(status).toMatchObject({
      status: "failed",
      error: TRIGGER_NOT_APPLICABLE,
      processed: 0,
      queued: 0,
    });
    expect(await w.smsCommands()).toHaveLength(before);
  }, 60_000);
});

describe("an application without progress", () => {
  it("is reported, and stored, as failed with the reason once it has been silent past the threshold", async () => {
    const stalledAt = new Date(Date.now() - STALLED_AFTER_MS - 60_000);
    const [row] = await w.t.db
      .insert(ruleApplications)
      .values({ tenantId, ruleId: rule.id, ...DECISION, total: 3, processed: 1, updatedAt: stalledAt })
      .returning();
    const status = (await applicationStatus(w.t.db, { tenantId, ruleId: rule.id }))!;
    expect(status).toMatchObject({ applicationId: row!.id, status: "failed", error: STALLED_REASON });
    expect(STALLED_REASON).toContain("нет прогресса 15 минут");
    const [stored] = await w.t.db.select().from(ruleApplications).where(eq(ruleApplications.id, row!.id));
    expect(stored).toMatchObject({ status: "failed", error: STALLED_REASON });
    expect(stored!.finishedAt).not.toBeNull();
  });

  it("stays running while it makes progress", async () => {
    const [row] = await w.t.db
      .insert(ruleApplications)
      .values({ tenantId, ruleId: rule.id, ...DECISION, total: 3, processed: 1 })
      .returning();
    const status = (await applicationStatus(w.t.db, { tenantId, ruleId: rule.id }))!;
    expect(status).toMatchObject({ applicationId: row!.id, status: "running", error: null });
  });
});
