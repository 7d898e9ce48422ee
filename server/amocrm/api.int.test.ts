import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunningAmocrmEmulator } from "@/emulators/amocrm/server";
import { connect, control, startEmulator } from "@/test/amocrm-emulator";
import { type AmocrmClient, createAmocrmClient } from "./api";
import { AmocrmApiError } from "./errors";
import { createRateLimiter, sharedRateLimiter } from "./rate-limit";
import { CALL_STATUS, callCreate, callNote, phoneField, smsNote } from "./requests";
import { mainContactId } from "./transform";

let emu: RunningAmocrmEmulator;
let baseUrl: string;
let token: string;
let amo: AmocrmClient;

const newClient = (o: Partial<Parameters<typeof createAmocrmClient>[0]> = {}) =>
  createAmocrmClient({ baseUrl, getAccessToken: () => token, rateLimiter: createRateLimiter(), ...o });

beforeAll(async () => {
  emu = await startEmulator();
  const c = await connect(emu);
  baseUrl = c.baseUrl;
  token = c.pair.accessToken;
  amo = newClient();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await control(emu, "/rate-limit", { reset: true });
});

describe("reading the account", () => {
  it("reads the account with groups and task types", async () => {
    const acc = await amo.getAccount();
    expect(acc).toMatchObject({ id: 28805383, subdomain: "demo", currentUserId: 504141 });
    expect(acc.usersGroups.map((g) => g.id)).toEqual(expect.arrayContaining([0, 267688]));
    expect(acc.taskTypes.map((t) => t.code)).toEqual(expect.arrayContaining(["FOLLOW_UP", "MEETING"]));
  });

  it("lists users with admin flag and group", async () => {
    const users = await amo.listUsers();
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining([504141, 8238874, 32321, 2004184, 47272]));
    expect(users.find((u) => u.id === 504141)).toMatchObject({ name: "Анна Администратова", isAdmin: true });
    expect(users.find((u) => u.id === 8238874)?.isAdmin).toBe(false);
  });

  it("lists pipelines with typed statuses", async () => {
    const pipelines = await amo.listPipelines();
    const main = pipelines.find((p) => p.id === 3383152);
    expect(main).toMatchObject({ name: "Основная воронка", isMain: true });
    expect(main?.statuses.map((s) => [s.id, s.type])).toEqual([
      [33929749, "unsorted"],
      [33929752, "open"],
      [33929755, "open"],
      [33929758, "open"],
      [142, "won"],
      [143, "lost"],
    ]);
  });

  it("lists contact fields with the PHONE enums, and leads of a stage across pages", async () => {
    const fields = await amo.listCustomFields("contacts");
    // By id: the emulator's list items carry no `code` (it copies the list sample's key set; see report).
    const phone = fields.find((f) => f.id === 66192);
    expect(phone?.type).toBe("multitext");
    expect(phone?.enums.map((e) => e.value)).toEqual(["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"]);

    const inPipeline = await amo.listLeads({ pipelineId: 47521 }, { limit: 1 });
    expect(inPipeline.map((l) => l.id).sort()).toEqual([54884, 54886]);
    const lead = await amo.listLeads({
      statuses: [{ pipelineId: 3383152, statusId: 33929755 }],
      withContacts: true,
    });
    expect(lead.map((l) => l.id)).toContain(167353);
    expect(mainContactId(lead.find((l) => l.id === 167353)!)).toBe(3);
  });

  it("answers unknown ids and empty searches with null / []", async () => {
    expect(await amo.getLead(999_999_999)).toBeNull();
    expect(await amo.getContact(999_999_999)).toBeNull();
    expect(await amo.findContactsByPhone("+7 000 000-00-00")).toEqual([]);
  });
});

describe("a call from a known and an unknown number", () => {
  it("finds a contact by phone in any spelling", async () => {
    const [c] = await amo.findContactsByPhone("8 (916) 123-45-67", { withLeads: true });
    expect(c).toMatchObject({ id: 3, name: "Иван Иванов" });
    expect(c?.phones[0]?.value).toBe("+79161234567");
    expect(c?.leadIds).toContain(167353);
  });

  it("creates a lead with a new contact, then logs the call and an SMS on it", async () => {
    const phone = "+79215550101";
    const [created] = await amo.createLeadsComplex([
      {
        name: "Входящий звонок",
        pipeline_id: 3383152,
        responsible_user_id: 8238874,
        _embedded: { contacts: [{ name: "Новый клиент", custom_fields_values: [phoneField(phone, "MOB")] }] },
      },
    ]);
    expect(created?.contactId).toBeTypeOf("number");

    const lead = await amo.getLead(created!.leadId);
    expect(lead).toMatchObject({ name: "Входящий звонок", pipelineId: 3383152, responsibleUserId: 8238874 });
    expect(mainContactId(lead!)).toBe(created!.contactId);

    const [contact] = await amo.findContactsByPhone("89215550101");
    expect(contact?.id).toBe(created!.contactId);
    expect(contact?.phones).toEqual([{ value: phone, enumCode: "MOB" }]);

    const call = {
      direction: "inbound",
      phone,
      duration: 42,
      source: "Amango",
      uniq: "mango-entry-1",
    } as const;
    const notes = await amo.addNotes("leads", [
      callNote(
        lead!.id,
        { ...call, link: "https://rec.example/1.mp3", callStatus: CALL_STATUS.talked },
        { userId: 8238874 },
      ),
      smsNote(lead!.id, { direction: "outbound", phone, text: "Спасибо за звонок" }),
    ]);
    expect(notes.map((n) => n.entityId)).toEqual([lead!.id, lead!.id]);

    const stored = await amo.http.request(
      "GET",
      `/api/v4/leads/${lead!.id}/notes`,
      z.object({
        _embedded: z.object({
          notes: z.array(
            z.object({
              id: z.number(),
              note_type: z.string(),
              created_by: z.number(),
              params: z.record(z.string(), z.unknown()),
            }),
          ),
        }),
      }),
    );
    const byType = Object.fromEntries((stored?._embedded.notes ?? []).map((n) => [n.note_type, n]));
    expect(byType.call_in).toMatchObject({
      created_by: 8238874,
      params: { uniq: "mango-entry-1", duration: 42, source: "Amango", phone, call_status: 4 },
    });
    expect(byType.sms_out?.params).toEqual({ text: "Спасибо за звонок", phone });
  });

  it("lists an entity's call notes only, with our uniq (how a lost write is looked for)", async () => {
    const [contact] = await amo.createContacts([
      { name: "Заметки", custom_fields_values: [phoneField("+79215550102")] },
    ]);
    const call = { direction: "outbound", phone: "+79215550102", duration: 5, source: "Amango" } as const;
    await amo.addNotes("contacts", [
      callNote(contact!.id, { ...call, uniq: "entry-a" }),
      smsNote(contact!.id, { direction: "outbound", phone: call.phone, text: "не звонок" }),
      callNote(contact!.id, { ...call, direction: "inbound", uniq: "entry-b" }),
    ]);
    const notes = await amo.listEntityNotes("contacts", contact!.id, { noteTypes: ["call_in", "call_out"] });
    expect(notes.map((n) => [n.note_type, n.params?.uniq]).sort()).toEqual([
      ["call_in", "entry-b"],
      ["call_out", "entry-a"],
    ]);
    expect(notes.every((n) => n.entity_id === contact!.id)).toBe(true);
    // A recording link added later: the note changed in place, its other params kept.
    const a = notes.find((n) => n.params?.uniq === "entry-a")!;
    const link = "https://amango.example/api/recordings/t";
    const updated = await amo.updateNotes("contacts", [
      { id: a.id, note_type: "call_out", params: { ...a.params, link } },
    ]);
    expect(updated.map((u) => u.id)).toEqual([a.id]);
    const after = await amo.listEntityNotes("contacts", contact!.id, { noteTypes: ["call_out"] });
    expect(after.find((n) => n.id === a.id)?.params).toEqual({ ...a.params, link });
  });

  it("logs a call through /calls on the contact's single active lead", async () => {
    const { logged, errors } = await amo.addCalls([
      callCreate({ direction: "inbound", phone: "+7 999 000-00-01", duration: 3, source: "Amango" }),
      callCreate(
        { direction: "outbound", phone: "+7 903 111-22-33", duration: 15, source: "Amango", uniq: "c-2" },
        { userId: 504141 },
      ),
    ]);
    // Contact 11070881 has exactly one active lead (9785993): the call goes to the lead.
    expect(logged).toEqual([
      expect.objectContaining({ entityId: 9785993, entityType: "lead", requestId: "1" }),
    ]);
    // No contact has the first number: amoCRM does not add it and says so per request_id.
    expect(errors).toEqual([expect.objectContaining({ requestId: "0" })]);
  });

  it("creates leads on an existing contact, moves them in batch, adds a task and tags", async () => {
    const created = await amo.createLeads([
      {
        name: "Повторная заявка",
        pipeline_id: 47521,
        status_id: 525743,
        _embedded: { contacts: [{ id: 11070885, is_main: true }] },
      },
    ]);
    const id = created[0]!.id;
    const [moved] = await amo.updateLeads([
      { id, pipeline_id: 47521, status_id: 525746, tags_to_add: [{ name: "Amango" }] },
    ]);
    expect(moved?.id).toBe(id);
    const lead = await amo.getLead(id);
    expect(lead).toMatchObject({ statusId: 525746, contacts: [{ id: 11070885, isMain: true }] });
    expect(lead?.tags.map((t) => t.name)).toContain("Amango");

    const [task] = await amo.createTasks([
      {
        text: "Перезвонить клиенту",
        complete_till: Math.floor(Date.now() / 1000) + 3600,
        entity_id: id,
        entity_type: "leads",
        task_type_id: 1,
      },
    ]);
    expect(task?.id).toBeTypeOf("number");

    const tags = await amo.createTags("contacts", [{ name: "Пропущенный звонок" }]);
    expect(tags[0]?.name).toBe("Пропущенный звонок");
    expect((await amo.listTags("contacts")).map((t) => t.name)).toContain("Пропущенный звонок");

    const updated = await amo.updateContacts([
      { id: 11070885, custom_fields_values: [phoneField(["+79857776655", "+79857776656"])] },
    ]);
    expect(updated[0]?.id).toBe(11070885);
    expect((await amo.getContact(11070885))?.phones.map((p) => p.value)).toEqual([
      "+79857776655",
      "+79857776656",
    ]);
  });

  it("reads a deal's stage moves from the event feed, within the time window asked", async () => {
    const created = await amo.createLeads([{ name: "Ход по этапам", pipeline_id: 47521, status_id: 525743 }]);
    const id = created[0]!.id;
    const now = Math.floor(Date.now() / 1000);
    await amo.updateLeads([{ id, pipeline_id: 47521, status_id: 525746 }]);
    const moves = await amo.listLeadEvents(id, {
      types: ["lead_status_changed"],
      from: now - 60,
      to: now + 60,
    });
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({
      type: "lead_status_changed",
      leadId: id,
      stageAfter: { pipelineId: 47521, statusId: 525746 },
    });
    expect(moves[0]!.id).toBeTypeOf("string");
    const added = await amo.listLeadEvents(id, { types: ["lead_added"], from: now - 60, to: now + 60 });
    expect(added.map((e) => e.type)).toEqual(["lead_added"]);
    expect(
      await amo.listLeadEvents(id, { types: ["lead_status_changed"], from: now - 900, to: now - 300 }),
    ).toEqual([]);
  });

  it("creates lead fields in a batch and keeps the validation detail of a refused write", async () => {
    const fields = await amo.createCustomFields("leads", [
      { name: "MANGO: длительность", type: "numeric" },
      { name: "MANGO: результат", type: "select", enums: [{ value: "Успешно" }, { value: "Пропущен" }] },
    ]);
    expect(fields.map((f) => f.type)).toEqual(["numeric", "select"]);
    expect(fields[1]?.enums.map((e) => e.value)).toEqual(["Успешно", "Пропущен"]);

    const err = await amo
      .createLeads([{ name: "x", custom_fields_values: [{ field_id: 1, values: [{ value: "y" }] }] }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmocrmApiError);
    expect(err).toMatchObject({ status: 400, kind: "validation" });
    expect((err as AmocrmApiError).validationErrors[0]?.errors[0]?.path).toMatch(/custom_fields_values\.0/);
  });
});

describe("editing a multiselect field («Тематики КЦ»)", () => {
  it("creates it, extends and renames its options by id, deletes an omitted one; list and create return type and enums", async () => {
    const [created] = await amo.createCustomFields("leads", [
      {
        name: "Тематики КЦ",
        type: "multiselect",
        enums: [{ value: "Интересно" }, { value: "Не интересно" }],
      },
    ]);
    expect(created).toMatchObject({ name: "Тематики КЦ", type: "multiselect" });
    const [interesting, notInteresting] = created?.enums ?? [];
    expect(interesting).toMatchObject({ id: expect.any(Number), value: "Интересно" });
    expect(notInteresting?.value).toBe("Не интересно");

    const [updated] = await amo.updateCustomFields("leads", [
      {
        id: created!.id,
        enums: [
          { id: interesting!.id, value: "Очень интересно", sort: 10 },
          { value: "Перезвонить позже", sort: 20 },
        ],
      },
    ]);
    expect(updated).toMatchObject({ id: created!.id, type: "multiselect", name: "Тематики КЦ" });
    expect(updated?.enums.map((e) => [e.id === interesting!.id, e.value, e.sort])).toEqual([
      [true, "Очень интересно", 10],
      [false, "Перезвонить позже", 20],
    ]);
    expect(updated?.enums.some((e) => e.id === notInteresting!.id)).toBe(false);

    const listed = (await amo.listCustomFields("leads")).find((f) => f.id === created!.id);
    expect(listed?.type).toBe("multiselect");
    expect(listed?.enums).toEqual(updated?.enums);
    const text = (await amo.listCustomFields("leads")).find((f) => f.type === "text");
    expect(text?.enums).toEqual([]);

    // A deal can carry the new option; the deleted one is refused with amoCRM's validation error.
    const [lead] = await amo.createLeads([
      {
        name: "Сделка с тематиками",
        custom_fields_values: [{ field_id: created!.id, values: [{ enum_id: updated!.enums[1]!.id }] }],
      },
    ]);
    expect(lead?.id).toBeTypeOf("number");
    const refused = await amo
      .updateLeads([
        {
          id: lead!.id,
          custom_fields_values: [{ field_id: created!.id, values: [{ enum_id: notInteresting!.id }] }],
        },
      ])
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, kind: "validation" });
    expect((refused as AmocrmApiError).validationErrors[0]?.errors[0]?.path).toBe(
      "custom_fields_values.0.values.0.enum_id",
    );

    const unknown = await amo
      .updateCustomFields("leads", [{ id: 999999, name: "x" }])
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(AmocrmApiError);
    expect(unknown).toMatchObject({ status: 400, kind: "validation" });
  });
});

type LogEntry = { seq: number; path: string; status: number };
async function pipelineRequests(): Promise<LogEntry[]> {
  const { body } = await control(emu, "/requests?path=/a/demo/api/v4/leads/pipelines", undefined, "GET");
  return body as LogEntry[];
}

describe("the account's rate limit (7 requests per second)", () => {
  it("without our limiter: 20 parallel calls hit 429, are retried, and all succeed", async () => {
    await control(emu, "/requests", undefined, "DELETE");
    const greedy = newClient({ rateLimiter: null, maxRetries: 6 });
    const results = await Promise.all(Array.from({ length: 20 }, () => greedy.listPipelines()));
    expect(results.every((r) => r.length === 2)).toBe(true);
    const log = await pipelineRequests();
    expect(log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 200)).toHaveLength(20);
  });

  it("with the shared limiter: 20 parallel calls from two clients never see a 429", async () => {
    await control(emu, "/requests", undefined, "DELETE");
    const limiter = sharedRateLimiter(baseUrl);
    const a = newClient({ rateLimiter: limiter, maxRetries: 0 });
    const b = newClient({ rateLimiter: sharedRateLimiter(baseUrl), maxRetries: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).listPipelines()));
    expect(results).toHaveLength(20);
    const log = await pipelineRequests();
    expect(log).toHaveLength(20);
    expect(log.every((e) => e.status === 200)).toBe(true);
  });
});
