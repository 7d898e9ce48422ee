import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls } from "@/db/schema";
import {
  ANSWERED_STAGE,
  contactsWithPhone,
  type LogWorld,
  MISSED_STAGE,
  PAIRS,
  startLogWorld,
} from "@/test/calls-world";
import { newClientName } from "./decide";

/**
 * Issue 6 acceptance 1 and the per-number lock, end to end: MANGO's emulator posts signed events to our
 * intake, the mango.event job assembles the call, calls.log writes it to amoCRM's emulator.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(async () => {
  await w?.close();
});

const leadsOf = (s: Awaited<ReturnType<LogWorld["amoState"]>>, contactId: number) =>
  s.leads.filter((l) => l.contacts.some((c) => c.id === contactId));

describe("logging calls to amoCRM", () => {
  it("acceptance 1: an answered call from an unknown number, every event twice and out of order → one contact, one deal, one call with duration and recording on the answering user", async () => {
    await w.settings({
      calls: {
        newClientAction: "contact_and_deal",
        answeredStage: ANSWERED_STAGE,
        missedStage: MISSED_STAGE,
      },
    });
    await w.faults({ duplicateEvents: true, outOfOrder: true });
    const phone = "+79991230001";
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["102", "101"],
      answeredBy: "101",
      talkSeconds: 35,
      recorded: true,
    });
    await w.faults({ duplicateEvents: false, outOfOrder: false });

    const s = await w.amoState();
    const contacts = contactsWithPhone(s, phone);
    expect(contacts).toHaveLength(1);
    const [row] = await w.t.db.select().from(calls).where(eq(calls.entryId, entryId));
    expect(contacts[0]!.name).toBe(newClientName(row!.startedAt!, "Europe/Moscow"));
    expect(contacts[0]!.responsible_user_id).toBe(PAIRS["101"]);
    const leads = leadsOf(s, contacts[0]!.id);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      pipeline_id: ANSWERED_STAGE.pipelineId,
      status_id: ANSWERED_STAGE.statusId,
      responsible_user_id: PAIRS["101"],
    });

    const logged = s.calls.filter((c) => c.request.uniq === entryId);
    expect(logged).toHaveLength(1);
    // The contact has one open deal, so amoCRM attaches the call to the deal (amocrm-api.md §6.8).
    expect(logged[0]).toMatchObject({ entity_type: "lead", entity_id: leads[0]!.id });
    expect(logged[0]!.request).toMatchObject({
      direction: "inbound",
      phone,
      duration: 35,
      source: "Amango",
      call_status: 4,
      call_responsible: PAIRS["101"],
      responsible_user_id: PAIRS["101"],
    });
    // Our recording route, never MANGO's signed link (it carries the PBX's key).
    const link = String(logged[0]!.request.link);
    expect(link).toMatch(/^https?:\/\/[^/]+\/api\/recordings\/[A-Za-z0-9_.-]+$/);
    expect(new URL(link).search).toBe("");
    expect(link).not.toContain("demo-vpbx-key");
    expect(link).not.toContain("/vpbx/");
    expect((await w.callLog(entryId))?.recordingAttachedAt).not.toBeNull();

    const runs = await w.logRun(entryId);
    expect(runs.map((r) => r.status)).toEqual(["done"]);
    expect(runs[0]!.result).toMatchObject({ createdContact: true, createdLead: true, taskId: null });
  });

  it("two calls from one new number logged at the same time create one contact and one deal", async () => {
    await w.settings({
      calls: {
        newClientAction: "contact_and_deal",
        repeatClientAction: "deal_if_no_open",
        answeredStage: ANSWERED_STAGE,
      },
    });
    const phone = "+79991230002";
    // Both calls finish before any log job runs, and both log runs are made due at once: the local worker
    // claims them in one tick (two at a time per tenant), so they search and create concurrently,
    // serialised only by the per-number lock (without it this test sees two contacts).
    const [a, b] = await w.callsTogether([
      { type: "incoming", from: phone, ring: ["101"], answeredBy: "101", talkSeconds: 10 },
      { type: "incoming", from: phone, ring: ["102"], answeredBy: "102", talkSeconds: 20 },
    ]);
    const s = await w.amoState();
    const contacts = contactsWithPhone(s, phone);
    expect(contacts).toHaveLength(1);
    expect(leadsOf(s, contacts[0]!.id)).toHaveLength(1);
    expect(s.calls.filter((c) => c.request.uniq === a || c.request.uniq === b)).toHaveLength(2);
  });

  it("an unpaired employee's call is skipped with the reason, or saved on «Сохранять все звонки»'s user", async () => {
    await w.settings({ calls: { newClientAction: "contact" } });
    const phone = "+79991230003";
    const skippedCall = await w.call({
      type: "incoming",
      from: phone,
      ring: ["103"],
      answeredBy: "103",
      talkSeconds: 12,
    });
    const [run] = await w.logRun(skippedCall);
    expect(run).toMatchObject({ status: "skipped" });
    expect(run!.lastError).toMatch(/сотрудник 103 не сопоставлен/);
    expect(contactsWithPhone(await w.amoState(), phone)).toHaveLength(0);

    await w.settings({
      calls: { newClientAction: "contact", saveAllCalls: { enabled: true, userId: 504141 } },
    });
    const savedCall = await w.call({
      type: "incoming",
      from: phone,
      ring: ["103"],
      answeredBy: "103",
      talkSeconds: 12,
    });
    const s = await w.amoState();
    expect(contactsWithPhone(s, phone)).toHaveLength(1);
    expect(s.calls.find((c) => c.request.uniq === savedCall)?.request).toMatchObject({
      call_responsible: 504141,
    });
  });

  it("a call on a line that is not processed is skipped with the reason", async () => {
    await w.settings({ limits: { lines: ["74950000000"] } });
    const entryId = await w.call({
      type: "incoming",
      from: "+79991230004",
      line: "74951234567",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 5,
    });
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "skipped" });
    expect(run!.lastError).toMatch(/не обрабатывается/);
  });
});
