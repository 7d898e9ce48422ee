import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import type { SmsAction } from "@/lib/domain/rules/schema";
import { maskPhone } from "@/server/log/mask";
import { sendSmsJob } from "@/server/sms/jobs";
import { hidePhonesIn } from "@/server/sms/mask";
import { openSmsPhone, openSmsText, smsPhoneLookup } from "@/server/sms/phone";
import { CLIENT_SMS as CLIENT_SMS_DRAFT } from "@/test/rules-fixtures";
import type { EvaluateRulesPayload } from "./jobs";
import { runRulesForDpEvent } from "./run";

const CLIENT_SMS: SmsAction = { ...CLIENT_SMS_DRAFT, recipients: ["client"], fallback: null };

import { DECISION, type DpWorld, FIRST_CONTACT, MANAGER, startDpWorld } from "@/test/dp-world";

/**
 * Issue 7 acceptance 2, 3 and 6 against both emulators: the amoCRM emulator moves a deal into a stage and
 * posts its DP webhook to our route; the rules job reads the deal, the SMS job asks MANGO, MANGO's
 * result/sms and events/sms come back over HTTP, and the SMS ends up as notes in amoCRM.
 */
let w: DpWorld;
beforeAll(async () => {
  w = await startDpWorld();
});
afterAll(() => w.close());

const VIP_BUDGET = {
  mode: "all" as const,
  items: [
    { kind: "tag" as const, op: "equals" as const, value: "vip" },
    { kind: "budget" as const, op: "gt" as const, value: 50_000 },
  ],
};
const CLIENT_MOBILE = "79161234567"; // contact 3 «Иван Иванов», the main contact of lead 167353
const TEXT = `Добрый день, Иван Иванов! Ваш персональный менеджер ${MANAGER.name}, тел. +74 955 404 444, доб.${MANAGER.extension}`;

describe("a DP webhook for a deal meeting the rule", () => {
  let deliveries: { url: string; body: string; contentType?: string | null }[];

  beforeAll(async () => {
    await w.rule({ ...DECISION, name: "VIP", conditions: VIP_BUDGET, actions: [CLIENT_SMS] });
    deliveries = await w.moveDeal(167353, DECISION.statusId, {
      price: 60_000,
      responsible_user_id: MANAGER.amoUserId,
      _embedded: { tags: [{ name: "vip" }] },
    });
    await w.settle();
  });

  it("sends exactly one SMS with the rendered text to the client's mobile", async () => {
    expect(deliveries.filter((d) => d.url === w.dpUrl)).toHaveLength(1);
    const sent = (await w.smsCommands()).filter((c) => c.to_number === CLIENT_MOBILE);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ text: TEXT, from_extension: "101", sms_sender: "AMANGO" });
  });

  it("is marked delivered by MANGO's reports", async () => {
    const [sms] = await w.sms();
    expect(sms).toMatchObject({ status: "delivered", leadId: 167353 });
    // At rest the number and the text are masked; sealed, they open to what was sent.
    expect(sms!.phone).toBe(maskPhone(`+${CLIENT_MOBILE}`));
    expect(sms!.text).not.toBe(TEXT);
    expect(sms!.text).toBe(hidePhonesIn(TEXT));
    expect(openSmsPhone(sms!)).toBe(`+${CLIENT_MOBILE}`);
    expect(openSmsText(sms!)).toBe(TEXT);
    expect(sms!.phoneLookup).toBe(smsPhoneLookup(sms!.tenantId, `+${CLIENT_MOBILE}`));
  });

  it("is noted on the client's contact and on the deal in amoCRM, once", async () => {
    const state = await w.amoState();
    // The seed has an sms_out note of its own on this deal; ours carry the rule's text.
    const smsNotes = state.notes.filter((n) => n.note_type === "sms_out" && n.params.text === TEXT);
    expect(smsNotes.filter((n) => n.entity_type === "contacts" && n.entity_id === 3)).toHaveLength(1);
    expect(smsNotes.filter((n) => n.entity_type === "leads" && n.entity_id === 167353)).toHaveLength(1);
    expect(smsNotes[0]!.params).toMatchObject({ phone: `+${CLIENT_MOBILE}` });
    const [sms] = await w.sms();
    expect(sms!.contactNoteId).toBe(smsNotes.find((n) => n.entity_type === "contacts")!.id);
  });

  it("sends nothing more when the same webhook is delivered three times", async () => {
    const first = deliveries.find((d) => d.url === w.dpUrl)!;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(w.dpUrl, {
        method: "POST",
        headers: { "content-type": first.contentType ?? "application/json" },
        body: first.body,
      });
      expect(res.status).toBe(200);
    }
    await w.settle();
    expect((await w.smsCommands()).filter((c) => c.to_number === CLIENT_MOBILE)).toHaveLength(1);
    expect(await w.sms()).toHaveLength(1);
    // Past the inbox too: the rules run again for the same event plans nothing (idempotency keys).
    const [run] = await w.evaluateRuns();
    const again = await runRulesForDpEvent(w.t.db, createLocalQueue(w.t.db), {
      tenantId: w.tenant.id,
      event: (run!.payload as EvaluateRulesPayload).event,
    });
    expect(again).toMatchObject({ status: "done", result: { rules: [{ status: "acted", queued: 0 }] } });
    await w.settle();
    expect(await w.sms()).toHaveLength(1);
  });
});

describe("a deal without the vip tag", () => {
  it("is skipped, with the failing condition in the journal", async () => {
    const before = (await w.smsCommands()).length;
    await w.moveDeal(9785993, DECISION.statusId, { price: 70_000 });
    await w.settle();
    expect(await w.smsCommands()).toHaveLength(before);
    const run = (await w.evaluateRuns()).find(
      (r) => (r.payload as { event: { leadId: number } }).event.leadId === 9785993,
    );
    expect(run).toMatchObject({ status: "skipped" });
    expect(run!.lastError).toContain("vip");
  });
});

describe("a webhook whose account is not the tenant's", () => {
  it("is refused 400 and starts nothing", async () => {
    const body = JSON.stringify({
      account_id: 30441694,
      event: {
        type: 14,
        data: { id: 167353, pipeline_id: DECISION.pipelineId, status_id: DECISION.statusId },
        time: 1,
      },
    });
    const res = await fetch(w.dpUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(400);
  });
});

describe("two rules on one stage", () => {
  it("both fire for a deal meeting both", async () => {
    await w.rule({ ...FIRST_CONTACT, name: "Клиенту", conditions: VIP_BUDGET, actions: [CLIENT_SMS] });
    await w.rule({
      ...FIRST_CONTACT,
      name: "Менеджеру",
      conditions: { mode: "all", items: [{ kind: "budget", op: "gt", value: 1000 }] },
      actions: [
        {
          ...CLIENT_SMS,
          recipients: ["responsible"],
          template: "Сделка {{lead.price}} у VIP",
          fallback: null,
        },
      ],
    });
    const before = await w.smsCommands();
    await w.moveDeal(167353, FIRST_CONTACT.statusId);
    await w.settle();
    const after = (await w.smsCommands()).slice(before.length);
    expect(after.map((c) => c.to_number).sort()).toEqual([CLIENT_MOBILE, "79161110101"].sort());
    const rows = await w.sms();
    expect(rows.filter((r) => r.status === "delivered")).toHaveLength(3);
  });
});

describe("MANGO failing the command", () => {
  it("never asks MANGO twice for one SMS whose outcome is unknown (HTTP 500)", async () => {
    const [row] = await w.t.db
      .insert(smsMessages)
      .values({
        tenantId: w.tenant.id,
        recipientRole: "client",
        phone: "+79031112233",
        text: "Проверка",
        fromExtension: "101",
        idempotencyKey: "test:fault",
        commandId: "sms-test-fault",
      })
      .returning();
    await fetch(`${w.mango.url}/__control/faults`, {
      method: "POST",
      body: JSON.stringify({ apiFailures: { remaining: 1, status: 500, paths: ["commands/sms"] } }),
    });
    const queue = createLocalQueue(w.t.db);
    await queue.enqueue(
      sendSmsJob,
      { smsId: row!.id },
      { tenantId: w.tenant.id, idempotencyKey: "test:fault" },
    );
    await w.settle();
    const asked = (await w.smsCommands()).filter((c) => c.command_id === "sms-test-fault");
    expect(asked).toHaveLength(1);
    const [after] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, row!.id));
    expect(after).toMatchObject({ status: "queued", sentAt: null });
    expect(after!.reason).toContain("неизвестен");
  });

  /** A queued SMS of this tenant sent through the job, as a rule would; returns the row once MANGO answered. */
  async function sendThroughMango(values: { senderName: string; phone: string; key: string }) {
    const [row] = await w.t.db
      .insert(smsMessages)
      .values({
        tenantId: w.tenant.id,
        recipientRole: "client",
        phone: values.phone,
        text: "Проверка",
        fromExtension: "101",
        senderName: values.senderName,
        idempotencyKey: values.key,
        commandId: values.key,
      })
      .returning();
    await createLocalQueue(w.t.db).enqueue(
      sendSmsJob,
      { smsId: row!.id },
      { tenantId: w.tenant.id, idempotencyKey: values.key },
    );
    await w.settle();
    const [after] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, row!.id));
    return after!;
  }

  it("says which sender name MANGO refused and where to register it (result/sms 3100, issue 11 §5)", async () => {
    const row = await sendThroughMango({ senderName: "NOPE", phone: "+79031112244", key: "sms-test-sender" });
    expect(row).toMatchObject({ status: "failed", resultCode: 3100 });
    expect(row.reason).toContain("Имя отправителя «NOPE» не зарегистрировано в MANGO OFFICE");
    expect(row.reason).toContain("Общие настройки → Дополнительные настройки → «Отправка SMS»");
  });

  it("says to top up the balance when MANGO has no funds for it (result/sms 2240)", async () => {
    await fetch(`${w.mango.url}/__control/sms-outcomes`, {
      method: "POST",
      body: JSON.stringify({ toNumber: "79031112255", reason: 1000, result: 2240 }),
    });
    const row = await sendThroughMango({
      senderName: "AMANGO",
      phone: "+79031112255",
      key: "sms-test-funds",
    });
    expect(row).toMatchObject({ status: "failed", resultCode: 2240 });
    expect(row.reason).toContain("недостаточно средств");
    expect(row.reason).toContain("пополните баланс");
  });
});
