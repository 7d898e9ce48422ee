import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callLogs } from "@/db/schema";
import { CallLogPendingError } from "@/server/topics/place";
import { GAVE_UP_REASON } from "@/server/topics/plan";
import { contactsWithPhone } from "@/test/calls-world";
import {
  INTERESTED,
  INTERESTED_PATH,
  LATER,
  LATER_PATH,
  STAGE_IF_DEAL,
  STAGE_NO_DEAL,
  startTopicsWorld,
  type TopicsWorld,
} from "@/test/topics-world";

/**
 * Issue 14: Contact Center call topics and operator comments saved into deals, against both emulators on
 * the MANGO emulator's clock, on the demo PBX's topic tree (test/topics-world.ts).
 */
let w: TopicsWorld;

beforeAll(async () => {
  w = await startTopicsWorld();
});
afterAll(async () => {
  await w?.close();
});

describe("acceptance 1: where the note goes, with «Создавать контакт/сделку при звонке на новый номер» on", () => {
  beforeAll(async () => {
    await w.topicsSettings({ createClients: true });
  });

  it("an unknown number: one contact and one deal at «Если нет сделки», holding the note", async () => {
    const phone = "+79035551101";
    const { entryId } = await w.campaignCall(phone, {
      topics: [INTERESTED, LATER],
      comment: "Просит КП на почту",
    });
    expect(await w.topicsRow(entryId)).toMatchObject({ state: "waiting", campaignCall: true, polls: 0 });
    const row = await w.saveNow(entryId);
    const contacts = contactsWithPhone(await w.amoState(), phone);
    expect(contacts).toHaveLength(1);
    const deals = await w.leadsOfContact(contacts[0]!.id);
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({
      pipeline_id: STAGE_NO_DEAL.pipelineId,
      status_id: STAGE_NO_DEAL.statusId,
    });
    const notes = await w.topicNotes(entryId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ entity_type: "leads", entity_id: deals[0]!.id });
    const text = String(notes[0]!.params.text);
    expect(text).toContain(`Тематики: ${INTERESTED_PATH}; ${LATER_PATH}`);
    expect(text).toContain("Комментарий оператора: Просит КП на почту");
    expect(text).toContain("кампания «Заявки с сайта»");
    expect(row).toMatchObject({
      state: "saved",
      leadId: deals[0]!.id,
      topicPaths: [INTERESTED_PATH, LATER_PATH],
    });
    // Call logging made the deal for this call: the topics reuse it, no second deal.
    expect(row.placement).toBe("call_log_deal");
  });

  it("a known contact with no open deal: a new deal at «Если нет сделки»", async () => {
    const phone = "+79035551102";
    const known = await w.knownContact(phone, { openDeal: false });
    const { entryId } = await w.campaignCall(phone, { topics: [INTERESTED] });
    const row = await w.saveNow(entryId);
    const deals = await w.leadsOfContact(known.contactId);
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({
      pipeline_id: STAGE_NO_DEAL.pipelineId,
      status_id: STAGE_NO_DEAL.statusId,
    });
    expect((await w.topicNotes(entryId)).map((n) => n.entity_id)).toEqual([deals[0]!.id]);
    expect(row).toMatchObject({ placement: "new_deal", contactId: known.contactId });
    expect(contactsWithPhone(await w.amoState(), phone)).toHaveLength(1);
  });

  it("a known contact with an open deal: another new deal at «Если есть сделка»; the open deal is untouched", async () => {
    const phone = "+79035551103";
    const known = await w.knownContact(phone, { openDeal: true });
    const { entryId } = await w.campaignCall(phone, { comment: "Только комментарий, без тематик" });
    const row = await w.saveNow(entryId);
    const deals = await w.leadsOfContact(known.contactId);
    expect(deals).toHaveLength(2);
    const created = deals.find((d) => d.id !== known.leadId)!;
    expect(created).toMatchObject({
      pipeline_id: STAGE_IF_DEAL.pipelineId,
      status_id: STAGE_IF_DEAL.statusId,
    });
    const notes = await w.topicNotes(entryId);
    expect(notes.map((n) => n.entity_id)).toEqual([created.id]);
    expect(String(notes[0]!.params.text)).toContain("Тематики: не выбраны");
    expect(String(notes[0]!.params.text)).toContain("Комментарий оператора: Только комментарий, без тематик");
    expect(row).toMatchObject({ placement: "new_deal", leadId: created.id });
  });

  it("a second run after saving writes nothing again", async () => {
    const phone = "+79035551104";
    const { entryId } = await w.campaignCall(phone, { topics: [INTERESTED] });
    await w.saveNow(entryId);
    const before = await w.amoState();
    const again = await w.runTopics(entryId);
    expect(again.outcome).toMatchObject({ status: "done", result: { state: "saved" } });
    const after = await w.amoState();
    expect(after.notes.length).toBe(before.notes.length);
    expect(after.leads.length).toBe(before.leads.length);
  });
});

describe("waiting for call logging", () => {
  it("while call logging has not resolved the call's client, the topics wait (retried) instead of making a deal", async () => {
    await w.topicsSettings({ createClients: true });
    const { entryId } = await w.campaignCall("+79035551105", { topics: [INTERESTED] });
    const callId = await w.callIdOf(entryId);
    const where = and(eq(callLogs.tenantId, w.tenant.id), eq(callLogs.callId, callId));
    const [log] = await w.t.db.select().from(callLogs).where(where);
    // As if call logging were still between its first attempt and its client step.
    await w.t.db.update(callLogs).set({ state: "in_progress", clientResolvedAt: null }).where(where);
    const leadsBefore = (await w.amoState()).leads.length;
    await w.advance(1000);
    await expect(w.runTopics(entryId)).rejects.toBeInstanceOf(CallLogPendingError);
    expect(await w.topicsRow(entryId)).toMatchObject({ state: "placing", leadId: null });
    expect((await w.amoState()).leads.length).toBe(leadsBefore);
    await w.t.db
      .update(callLogs)
      .set({ state: log!.state, clientResolvedAt: log!.clientResolvedAt })
      .where(where);
    const row = await w.saveNow(entryId);
    expect(row).toMatchObject({ placement: "call_log_deal", leadId: log!.leadId });
  });
});

describe("acceptance 2: create options off", () => {
  beforeAll(async () => {
    await w.topicsSettings({ createClients: false });
  });

  it("a campaign call gets its note (contact and deal made for it); an ordinary incoming call is not polled", async () => {
    const phone = "+79035551201";
    const { entryId } = await w.campaignCall(phone, { topics: [LATER] });
    await w.saveNow(entryId);
    const contacts = contactsWithPhone(await w.amoState(), phone);
    expect(contacts).toHaveLength(1);
    const [deal] = await w.leadsOfContact(contacts[0]!.id);
    expect(deal).toMatchObject({ status_id: STAGE_NO_DEAL.statusId });
    expect((await w.topicNotes(entryId)).map((n) => n.entity_id)).toEqual([deal!.id]);
    expect(await w.topicsRow(entryId)).toMatchObject({ state: "saved", placement: "new_contact" });

    const since = await w.lastMangoRequestId();
    const incoming = await w.call({
      type: "incoming",
      from: "79035551202",
      ring: ["101"],
      answeredBy: "101",
    });
    expect(await w.topicsRow(incoming)).toBeNull();
    expect(await w.mangoRequests("cc/call", since)).toEqual([]);
  });
});

describe("acceptance 3: when the topics come", () => {
  beforeAll(async () => {
    await w.topicsSettings({ createClients: false });
  });

  it("topics appearing at +5 min are saved; the polls before found nothing and were spaced out", async () => {
    const { entryId } = await w.campaignCall("+79035551301", { topics: [INTERESTED], delayS: 300 });
    const start = await w.clock();
    const asked: number[] = [];
    expect((await w.topicsRow(entryId))!.nextPollAt).not.toBeNull();
    for (let i = 0; i < 10; i++) {
      const row = (await w.topicsRow(entryId))!;
      if (row.state !== "waiting") break;
      const wait = Math.max(0, row.nextPollAt!.getTime() - (await w.clock()));
      await w.advance(wait);
      asked.push(Math.round(((await w.clock()) - start) / 60_000));
      await w.runTopics(entryId);
    }
    const row = (await w.topicsRow(entryId))!;
    expect(row).toMatchObject({ state: "saved", topicPaths: [INTERESTED_PATH] });
    // Minutes after the first question (the emulator's instant call put its clock past our first minute):
    // 2 then 3 minutes apart, so the third question, 5 minutes on, is the first after the topics appeared.
    expect(asked.map((m) => m - asked[0]!)).toEqual([0, 2, 5]);
    expect(row.polls).toBe(3);
    expect(await w.topicNotes(entryId)).toHaveLength(1);
  });

  it("topics that never come: given up at +60 min with «тематики не появились за час», nothing written", async () => {
    const { entryId } = await w.campaignCall("+79035551302", { topics: [INTERESTED], delayS: 4 * 3600 });
    const leadsBefore = (await w.amoState()).leads.length;
    let polls = 0;
    for (; polls < 30; polls++) {
      const row = (await w.topicsRow(entryId))!;
      if (row.state !== "waiting") break;
      await w.advance(Math.max(0, row.nextPollAt!.getTime() - (await w.clock())));
      await w.runTopics(entryId);
    }
    const row = (await w.topicsRow(entryId))!;
    expect(row).toMatchObject({ state: "skipped", reason: GAVE_UP_REASON, nextPollAt: null });
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.deadlineAt.getTime());
    // A question every 10 minutes at most once spaced out: a handful, not one a minute.
    expect(row.polls).toBeGreaterThanOrEqual(6);
    expect(row.polls).toBeLessThanOrEqual(12);
    expect((await w.amoState()).leads.length).toBe(leadsBefore);
  });

  it("a call MANGO's Contact Center does not know (3300): given up at once with MANGO's code", async () => {
    await w.topicsSettings({ createClients: true });
    const entryId = await w.call({ type: "incoming", from: "79035551303", ring: ["101"], answeredBy: "101" });
    expect(await w.topicsRow(entryId)).toMatchObject({ state: "waiting", campaignCall: false });
    await w.advance(60_000);
    const out = await w.runTopics(entryId);
    expect(out.outcome).toMatchObject({ status: "skipped" });
    expect(await w.topicsRow(entryId)).toMatchObject({
      state: "skipped",
      mangoCode: 3300,
      reason: "MANGO OFFICE не знает этот звонок в Контакт-центре (код 3300) — тематики не сохранить",
    });
  });
});

describe("acceptance 4: ten concurrent campaign calls from one new number", () => {
  it("make one contact, and one deal per call as the rules say: the first at «Если нет сделки», the rest at «Если есть сделка»", async () => {
    await w.topicsSettings({ createClients: false });
    const phone = "+79035551401";
    const first = await w.campaignCall(phone, { topics: [INTERESTED] });
    const entryIds = [first.entryId];
    for (let i = 1; i < 10; i++)
      entryIds.push((await w.campaignCall(phone, { topics: [INTERESTED], taskId: first.taskId })).entryId);
    await w.advance(60_000);
    const outs = await Promise.all(entryIds.map((id) => w.runTopics(id)));
    expect(outs.map((o) => o.outcome.status)).toEqual(Array(10).fill("done"));
    const contacts = contactsWithPhone(await w.amoState(), phone);
    expect(contacts).toHaveLength(1);
    const deals = await w.leadsOfContact(contacts[0]!.id);
    expect(deals).toHaveLength(10);
    expect(deals.filter((d) => d.status_id === STAGE_NO_DEAL.statusId)).toHaveLength(1);
    expect(deals.filter((d) => d.status_id === STAGE_IF_DEAL.statusId)).toHaveLength(9);
    const noted = (await Promise.all(entryIds.map((id) => w.topicNotes(id)))).map((notes) =>
      notes.map((n) => n.entity_id),
    );
    expect(noted.every((ids) => ids.length === 1)).toBe(true);
    expect(new Set(noted.flat()).size).toBe(10);
  });
});
