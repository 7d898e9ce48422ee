import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withOpenSms } from "@/server/sms/phone";
import { type AccountWorld, type Delivery, smsAction, startAccountWorld } from "@/test/account-world";
import { FIRST_CONTACT, MANAGER } from "@/test/dp-world";
import { SCENARIO } from "@/test/sms-scenario";

/**
 * Issue 7 acceptance 2, 3 and 6 for the triggers amoCRM's account webhooks carry ("responsible changed",
 * "deal lost"), against both emulators: the amoCRM emulator changes a deal and posts `leads[responsible]` /
 * `leads[status]` to our route (the subscription onboarding made), the rules job reads the deal, the SMS
 * job asks MANGO, MANGO's result/sms and events/sms come back over HTTP, and the SMS is noted in amoCRM.
 */
let w: AccountWorld;
beforeAll(async () => {
  w = await startAccountWorld();
});
afterAll(() => w.close());

const { negotiation, lopatkin, oleg, vipDeal, plainDeal } = SCENARIO;
const VIP_BUDGET = {
  mode: "all" as const,
  items: [
    { kind: "tag" as const, op: "equals" as const, value: "vip" },
    { kind: "budget" as const, op: "gt" as const, value: 50_000 },
  ],
};
const clientSms = async () => (await w.smsCommands()).filter((c) => c.to_number === w.olegMobile);

let a2Deliveries: Delivery[] = [];

describe("acceptance 2: the vip deal handed to Лопаткин Василий", () => {
  beforeAll(async () => {
    await w.rule({
      ...negotiation,
      name: "Персональный менеджер",
      trigger: "responsible_changed",
      conditions: VIP_BUDGET,
      actions: [smsAction(SCENARIO.template)],
    });
    a2Deliveries = await w.updateDeal(vipDeal.leadId, { responsible_user_id: lopatkin.amoUserId });
    await w.settle();
  });

  it("posts one leads[responsible] webhook to our route, accepted", () => {
    expect(a2Deliveries).toHaveLength(1);
    expect(a2Deliveries[0]!.body).toContain(encodeURIComponent("leads[responsible][0][id]"));
    expect(a2Deliveries[0]!.status).toBe(200);
  });

  it("makes MANGO receive exactly one commands/sms with the text, to Олег's mobile", async () => {
    const sent = await clientSms();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      text: SCENARIO.expectedText,
      to_number: oleg.mobile.replace(/\D/g, ""),
      from_extension: MANAGER.extension,
      sms_sender: "AMANGO",
    });
  });

  it("is marked delivered by MANGO's result/sms and events/sms", async () => {
    const rows = (await w.sms()).filter((r) => r.leadId === vipDeal.leadId);
    expect(rows).toHaveLength(1);
    // Stored masked, sealed as sent (server/sms/phone.ts).
    expect(rows[0]).toMatchObject({ status: "delivered", contactId: oleg.contactId });
    expect(rows[0]!.phone).not.toBe(oleg.mobile);
    expect(withOpenSms(rows[0]!)).toMatchObject({ phone: oleg.mobile, text: SCENARIO.expectedText });
  });

  it("leaves a note with the text on Олег's contact in amoCRM", async () => {
    const state = await w.amoState();
    const notes = state.notes.filter(
      (n) =>
        n.entity_type === "contacts" &&
        n.entity_id === oleg.contactId &&
        JSON.stringify(n.params).includes(SCENARIO.expectedText),
    );
    expect(notes).toHaveLength(1);
  });
});

describe("acceptance 3: repeats and conditions", () => {
  it("sends one SMS when the same webhook is delivered three times, and stores it once", async () => {
    const [first] = a2Deliveries;
    const stored = await w.inbox();
    expect(stored).toHaveLength(1);
    // The delivery of acceptance 2, posted twice more as amoCRM's retries would.
    for (let i = 0; i < 2; i++) {
      const res = await w.redeliver(first!);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "duplicate", id: stored[0]!.id });
    }
    await w.settle();
    expect(await clientSms()).toHaveLength(1);
    expect(await w.inbox()).toHaveLength(1);
    expect(await w.accountRuns()).toHaveLength(1);
  });

  it("skips the deal without the vip tag, with the failing condition in the journal", async () => {
    const before = (await w.smsCommands()).length;
    const deliveries = await w.updateDeal(plainDeal.leadId, { responsible_user_id: lopatkin.amoUserId });
    expect(deliveries).toHaveLength(1);
    await w.settle();
    expect(await w.smsCommands()).toHaveLength(before);
    const run = (await w.accountRuns()).find((r) =>
      (r.payload as { event: { changes: { leadId: number }[] } }).event.changes.some(
        (c) => c.leadId === plainDeal.leadId,
      ),
    );
    expect(run).toMatchObject({ status: "skipped" });
    expect(run!.lastError).toContain("vip");
  });
});

describe("acceptance 6: two rules on one stage", () => {
  it("both fire for a deal meeting both (two SMS, one per rule)", async () => {
    const toClient = await w.rule({
      ...negotiation,
      name: "Клиенту: новый менеджер",
      trigger: "responsible_changed",
      conditions: { mode: "all", items: [{ kind: "budget", op: "gt", value: 50_000 }] },
      actions: [smsAction("{{maincontact.name}}, вашей сделкой теперь занимается {{user.name}}")],
    });
    const toManager = await w.rule({
      ...negotiation,
      name: "Менеджеру: передана сделка",
      trigger: "responsible_changed",
      conditions: { mode: "all", items: [{ kind: "responsible", userId: MANAGER.amoUserId }] },
      actions: [smsAction("Вам передана сделка на {{lead.price}} ₽", ["responsible"])],
    });
    const before = (await w.smsCommands()).length;
    await w.updateDeal(plainDeal.leadId, { responsible_user_id: MANAGER.amoUserId });
    await w.settle();
    const after = (await w.smsCommands()).slice(before);
    expect(after.map((c) => c.to_number).sort()).toEqual(
      [w.olegMobile, MANAGER.mobile.replace(/\D/g, "")].sort(),
    );
    const rows = (await w.sms()).filter((r) => r.leadId === plainDeal.leadId);
    expect(rows.map((r) => r.ruleId).sort()).toEqual([toClient.id, toManager.id].sort());
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
  });
});

describe("acceptance 4: a responsible without a mapped extension or without a mobile", () => {
  const runFor = async (leadId: number, responsible: number) =>
    (await w.accountRuns()).find((r) =>
      (
        r.payload as { event: { changes: { leadId: number; responsibleUserId?: number }[] } }
      ).event.changes.some((c) => c.leadId === leadId && JSON.stringify(c).includes(String(responsible))),
    );

  it("gets no SMS, and the journal says why", async () => {
    const toResponsible = await w.rule({
      ...negotiation,
      name: "Ответственному: передана сделка",
      trigger: "responsible_changed",
      actions: [smsAction("Вам передана сделка на {{lead.price}} ₽", ["responsible"])],
    });
    for (const [who, reason] of [
      [SCENARIO.noMobile, "не указан мобильный телефон"],
      [SCENARIO.unpaired, "не сопоставлен с внутренним номером"],
    ] as const) {
      await w.updateDeal(plainDeal.leadId, { responsible_user_id: who.amoUserId });
      await w.settle();
      const rows = (await w.sms()).filter((r) => r.ruleId === toResponsible.id);
      expect(rows, who.name).toEqual([]);
      const run = await runFor(plainDeal.leadId, who.amoUserId);
      expect(run, who.name).toBeDefined();
      expect(JSON.stringify(run!.result), who.name).toContain(reason);
    }
  });
});

describe("deal lost", () => {
  it("fires the rule of the stage the deal was lost from, once", async () => {
    const TEXT = `${oleg.name}, жаль, что не сложилось. Будем рады помочь снова.`;
    const lostRule = await w.rule({
      ...negotiation,
      name: "Отмена сделки",
      trigger: "deal_lost",
      actions: [smsAction("{{maincontact.name}}, жаль, что не сложилось. Будем рады помочь снова.")],
    });
    // A "deal lost" rule of another stage stays silent.
    await w.rule({
      ...FIRST_CONTACT,
      name: "Отмена на первом контакте",
      trigger: "deal_lost",
      actions: [smsAction("Не должно уйти")],
    });
    const before = (await w.smsCommands()).length;
    const deliveries = await w.moveDeal(vipDeal.leadId, SCENARIO.lostStatusId);
    expect(deliveries.map((d) => d.body).join("&")).toContain(
      encodeURIComponent("leads[status][0][old_status_id]"),
    );
    await w.settle();
    for (const d of deliveries) expect((await w.redeliver(d)).status).toBe(200);
    await w.settle();
    const after = (await w.smsCommands()).slice(before);
    expect(after).toEqual([expect.objectContaining({ text: TEXT, to_number: w.olegMobile })]);
    const rows = (await w.sms()).filter((r) => r.ruleId === lostRule.id);
    expect(rows).toEqual([expect.objectContaining({ status: "delivered", leadId: vipDeal.leadId })]);
  });

  it("ignores moves to other stages without storing them", async () => {
    const inboxBefore = (await w.inbox()).length;
    const deliveries = await w.moveDeal(plainDeal.leadId, FIRST_CONTACT.statusId);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.status).toBe(200);
    expect(await w.inbox()).toHaveLength(inboxBefore);
  });
});
