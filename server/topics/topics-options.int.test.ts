import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTopics, jobRuns } from "@/db/schema";
import { journalFacts } from "@/server/activity/journal-facts";
import { createTenant } from "@/server/tenancy/queries";
import { pollCallTopicsJob } from "@/server/topics/jobs";
import { drainJobs } from "@/test/db";
import { heldByDatabase } from "@/test/held-connections";
import {
  INTERESTED,
  INTERESTED_PATH,
  LATER,
  LATER_PATH,
  startTopicsWorld,
  type TopicsWorld,
} from "@/test/topics-world";

/**
 * Issue 14, the options and the journal: ★ «Сохранять в открытую сделку», ★ «Тематики КЦ», the switch off, the job chain, against both emulators on
 * the MANGO emulator's clock, on the demo PBX's topic tree (test/topics-world.ts).
 */
let w: TopicsWorld;

beforeAll(async () => {
  w = await startTopicsWorld();
});
afterAll(async () => {
  await w?.close();
});

describe("acceptance 5 ★", () => {
  it("«Сохранять в открытую сделку»: the note goes into the open deal, no new deal", async () => {
    await w.topicsSettings({ createClients: false, intoOpenDeal: true });
    const phone = "+79035551501";
    const known = await w.knownContact(phone, { openDeal: true });
    const { entryId } = await w.campaignCall(phone, { topics: [LATER] });
    const row = await w.saveNow(entryId);
    expect(await w.leadsOfContact(known.contactId)).toHaveLength(1);
    expect((await w.topicNotes(entryId)).map((n) => n.entity_id)).toEqual([known.leadId]);
    expect(row).toMatchObject({ placement: "open_deal", leadId: known.leadId });
  });

  it("«Тематики КЦ»: the deal field is created with the tree's options and gets the call's topics", async () => {
    await w.topicsSettings({ createClients: false, topicsField: true });
    const { entryId } = await w.campaignCall("+79035551502", { topics: [INTERESTED, LATER] });
    const row = await w.saveNow(entryId);
    const fields = await w.amocrm().listCustomFields("leads");
    const field = fields.filter((f) => f.name === "Тематики КЦ");
    expect(field).toHaveLength(1);
    expect(field[0]!.type).toBe("multiselect");
    expect(field[0]!.enums.map((e) => e.value).sort()).toEqual(
      [INTERESTED_PATH, "Исходящий обзвон / Не интересно", LATER_PATH, "Входящий вопрос"].sort(),
    );
    const lead = await w.amocrm().getLead(row.leadId!);
    const values = lead!.customFields.find((f) => f.fieldId === field[0]!.id)!.values;
    const byId = new Map(field[0]!.enums.map((e) => [e.id, e.value]));
    expect(values.map((v) => byId.get(v.enumId!)).sort()).toEqual([INTERESTED_PATH, LATER_PATH].sort());
    expect(row.fieldSetAt).not.toBeNull();

    // A second call reuses the field: no second field, no duplicated options.
    const second = await w.campaignCall("+79035551503", { topics: [INTERESTED] });
    await w.saveNow(second.entryId);
    const again = (await w.amocrm().listCustomFields("leads")).filter((f) => f.name === "Тематики КЦ");
    expect(again).toHaveLength(1);
    expect(again[0]!.enums).toHaveLength(4);
  });

  it("«Тематики КЦ» follows the tree: a call naming a new topic refreshes the tree, a renamed topic renames its option", async () => {
    await w.topicsSettings({ createClients: false, topicsField: true });
    const tags = async (body: unknown) =>
      fetch(`${w.mango.url}/__control/pbx/demo/tags`, { method: "POST", body: JSON.stringify(body) });
    expect(
      (
        await tags({
          tags: [
            { id: 10070003, parent: 10070001, name: "Отказ" },
            { id: 10070009, parent: 10070001, name: "Дорого" },
          ],
        })
      ).ok,
    ).toBe(true);
    const { entryId } = await w.campaignCall("+79035551504", { topics: [10070009] });
    const row = await w.saveNow(entryId);
    expect(row.topicPaths).toEqual(["Исходящий обзвон / Дорого"]);
    const [field] = (await w.amocrm().listCustomFields("leads")).filter((f) => f.name === "Тематики КЦ");
    const values = field!.enums.map((e) => e.value);
    expect(values).toContain("Исходящий обзвон / Отказ");
    expect(values).not.toContain("Исходящий обзвон / Не интересно");
    expect(values).toContain("Исходящий обзвон / Дорого");
    expect(values).toHaveLength(5);
    const lead = await w.amocrm().getLead(row.leadId!);
    const chosen = lead!.customFields.find((f) => f.fieldId === field!.id)!.values.map((v) => v.enumId);
    expect(chosen).toEqual([field!.enums.find((e) => e.value === "Исходящий обзвон / Дорого")!.id]);
  });

  it("an ordinary incoming Contact Center call with topics is saved too when contacts are created for new numbers", async () => {
    await w.topicsSettings({ createClients: true });
    const entryId = await w.call({
      type: "incoming",
      from: "79035551505",
      ring: ["101"],
      answeredBy: "101",
      topics: [10070005],
      comment: "Спрашивал про доставку",
      commentDelaySeconds: 0,
    });
    expect(await w.topicsRow(entryId)).toMatchObject({ state: "waiting", campaignCall: false });
    const row = await w.saveNow(entryId);
    expect(row.topicPaths).toEqual(["Входящий вопрос"]);
    const notes = await w.topicNotes(entryId);
    expect(notes.map((n) => n.entity_id)).toEqual([row.leadId]);
    expect(String(notes[0]!.params.text)).toMatch(/^Звонок Контакт-центра, /);
  });
});

describe("acceptance 6: the switch off", () => {
  it("nothing is polled: no row, no run, no question to MANGO", async () => {
    await w.topicsSettings({ createClients: true, saveTopics: false });
    const since = await w.lastMangoRequestId();
    const { entryId } = await w.campaignCall("+79035551601", { topics: [INTERESTED] });
    expect(await w.topicsRow(entryId)).toBeNull();
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, pollCallTopicsJob.id));
    const callId = await w.callIdOf(entryId);
    expect(runs.filter((r) => (r.payload as { callId: string }).callId === callId)).toEqual([]);
    expect(await w.mangoRequests("cc/call", since)).toEqual([]);
  });

  it("turned off while a call waits: its next run stops with the reason and asks MANGO nothing", async () => {
    await w.topicsSettings({ createClients: false });
    const { entryId } = await w.campaignCall("+79035551602", { topics: [INTERESTED], delayS: 600 });
    await w.topicsSettings({ createClients: false, saveTopics: false });
    const since = await w.lastMangoRequestId();
    await w.advance(60_000);
    const out = await w.runTopics(entryId);
    expect(out).toMatchObject({ outcome: { status: "skipped" }, nextAt: null });
    expect((await w.topicsRow(entryId))!.reason).toMatch(/выключено/);
    expect(await w.mangoRequests("cc/call", since)).toEqual([]);
  });
});

describe("the job chain", () => {
  it("the summary armed poll 0; run by the job driver it saves the topics and arms nothing more", async () => {
    await w.topicsSettings({ createClients: false });
    const { entryId } = await w.campaignCall("+79035551701", { topics: [INTERESTED] });
    const callId = await w.callIdOf(entryId);
    const mine = async () =>
      (await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, pollCallTopicsJob.id))).filter(
        (r) => (r.payload as { callId: string }).callId === callId,
      );
    expect((await mine()).map((r) => [r.idempotencyKey, r.status])).toEqual([
      [`topics:${callId}:0`, "queued"],
    ]);
    await w.advance(60_000);
    await drainJobs(w.t.db, [pollCallTopicsJob]);
    expect((await mine()).map((r) => r.status)).toEqual(["done"]);
    const [row] = await w.t.db
      .select()
      .from(callTopics)
      .where(and(eq(callTopics.tenantId, w.tenant.id), eq(callTopics.callId, callId)));
    expect(row).toMatchObject({ state: "saved" });
  });
});

describe("the journal", () => {
  it("shows each call's topics: waiting with the next check, saved with the deal; never another tenant's", async () => {
    await w.topicsSettings({ createClients: false });
    const saved = await w.campaignCall("+79035551801", { topics: [INTERESTED] });
    await w.saveNow(saved.entryId);
    const waiting = await w.campaignCall("+79035551802", { topics: [INTERESTED], delayS: 600 });
    const facts = await journalFacts(w.t.db, {
      tenantId: w.tenant.id,
      amocrmBaseUrl: w.tenant.amocrmBaseUrl,
      groups: [saved.entryId, waiting.entryId].map((id) => ({ key: `call:${id}`, result: null })),
    });
    const savedRow = (await w.topicsRow(saved.entryId))!;
    expect(facts.get(`call:${saved.entryId}`)?.topics).toEqual({
      state: "saved",
      nextPollAt: null,
      leadUrl: `${w.tenant.amocrmBaseUrl.replace(/\/+$/, "")}/leads/detail/${savedRow.leadId}`,
      paths: [INTERESTED_PATH],
      reason: null,
    });
    const waitingRow = (await w.topicsRow(waiting.entryId))!;
    expect(facts.get(`call:${waiting.entryId}`)?.topics).toMatchObject({
      state: "waiting",
      nextPollAt: waitingRow.nextPollAt!.toISOString(),
    });

    const other = await createTenant(w.t.db, {
      amocrmAccountId: 99_000_001,
      amocrmSubdomain: "chuzhoy",
      amocrmBaseUrl: "https://chuzhoy.amocrm.ru",
      name: "Чужая компания",
    });
    const foreign = await journalFacts(w.t.db, {
      tenantId: other.id,
      amocrmBaseUrl: other.amocrmBaseUrl,
      groups: [{ key: `call:${saved.entryId}`, result: null }],
    });
    expect(foreign.get(`call:${saved.entryId}`)).toBeUndefined();
  });
});

// Last: its call keeps waiting, and the job chain test above drains every queued topics run.
describe("no transaction across MANGO", () => {
  it("while MANGO takes its time to answer /vpbx/cc/call/, the run holds no transaction and no advisory lock", async () => {
    await w.topicsSettings({ createClients: false });
    const { entryId } = await w.campaignCall("+79035551901", { topics: [INTERESTED], delayS: 600 });
    await w.faults({ latencyMs: 1500 });
    try {
      await w.advance(60_000);
      const run = w.runTopics(entryId);
      await new Promise((r) => setTimeout(r, 700));
      expect(await heldByDatabase(w.t.name)).toEqual({ inTransaction: 0, advisoryLocks: 0 });
      expect((await run).outcome).toMatchObject({ status: "done", result: { state: "waiting" } });
    } finally {
      await w.faults({ latencyMs: 0 });
    }
  });
});
