import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContactCreate } from "@/server/amocrm/requests";
import { phoneField } from "@/server/amocrm/requests";
import { contactsWithPhone, type LogWorld, MISSED_STAGE, PAIRS, startLogWorld } from "@/test/calls-world";

/**
 * Issue 6 acceptance 2 (a known number in any format, the first-created duplicate) and 3 (a task for a
 * missed call only when the setting asks), against both emulators.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(async () => {
  await w?.close();
});

/** Seeded in amoCRM's emulator: Дмитрий Васильев, no open deal (his only deal is lost). */
const VASILIEV = { id: 11070887, phone: "+78122223344" };
/** Seeded: Ольга Смирнова, one open deal 54884. */
const SMIRNOVA = { id: 11070885, phone: "+79857776655", openLeadId: 54884 };

/** amoCRM takes `created_at` on a new contact (a migration's import); our ContactCreate does not list it. */
const duplicate = (name: string, phone: string, createdAt: number): ContactCreate => ({
  name,
  custom_fields_values: [phoneField(phone)],
  ...{ created_at: createdAt },
});

describe("the client of a call in amoCRM", () => {
  it("acceptance 2: a known number in three formats is logged on the existing contact", async () => {
    await w.settings({ calls: { repeatClientAction: "manual" } });
    const before = (await w.amoState()).contacts.length;
    const entries: string[] = [];
    for (const from of ["88122223344", "+78122223344", "78122223344"])
      entries.push(
        await w.call({ type: "incoming", from, ring: ["101"], answeredBy: "101", talkSeconds: 7 }),
      );
    const s = await w.amoState();
    expect(s.contacts.length).toBe(before);
    const logged = s.calls.filter((c) => entries.includes(String(c.request.uniq)));
    expect(logged).toHaveLength(3);
    for (const c of logged) {
      expect(c).toMatchObject({ entity_type: "contact", entity_id: VASILIEV.id });
      expect(c.request).toMatchObject({ phone: VASILIEV.phone, call_responsible: PAIRS["101"] });
    }
  });

  it("acceptance 2: of two contacts with the number, the first-created one gets the call", async () => {
    await w.settings({ calls: { repeatClientAction: "manual" } });
    const phone = "+79991230101";
    // The later contact is created first, so it has the smaller id and comes first in amoCRM's lists.
    const [later, earlier] = await w
      .amocrm()
      .createContacts([
        duplicate("Дубль поздний", phone, 1_750_000_000),
        duplicate("Дубль ранний", "8 (999) 123-01-01", 1_700_000_000),
      ]);
    expect(later!.id).toBeLessThan(earlier!.id);
    const entryId = await w.call({
      type: "incoming",
      from: "79991230101",
      ring: ["102"],
      answeredBy: "102",
      talkSeconds: 15,
    });
    const s = await w.amoState();
    expect(contactsWithPhone(s, phone)).toHaveLength(2);
    const notes = s.notes.filter((n) => n.params.uniq === entryId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      entity_type: "contacts",
      entity_id: earlier!.id,
      note_type: "call_in",
      created_by: PAIRS["102"],
      responsible_user_id: PAIRS["102"],
      params: { duration: 15, phone, source: "Amango", call_status: 4 },
    });
    // Not also through /api/v4/calls, which would have picked the other duplicate.
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(0);
  });

  it("acceptance 3: a missed call with the task setting on gets a task for the client's responsible; off, none", async () => {
    await w.settings({ calls: { repeatClientAction: "manual", missedTasks: { enabled: true } } });
    const responsible = (await w.amoState()).contacts.find((c) => c.id === SMIRNOVA.id)!.responsible_user_id;
    const tasksOf = async () =>
      (await w.amoState()).tasks.filter(
        (t) => t.entity_type === "leads" && t.entity_id === SMIRNOVA.openLeadId,
      );
    const tasksBefore = (await tasksOf()).length;

    const missed = await w.call({ type: "incoming", from: SMIRNOVA.phone, ring: ["101"] });
    const tasks = await tasksOf();
    expect(tasks).toHaveLength(tasksBefore + 1);
    expect(tasks.at(-1)).toMatchObject({ responsible_user_id: responsible, task_type_id: 1 });
    // The missed call itself is logged too, on the contact's only open deal, as not reached.
    const s = await w.amoState();
    expect(s.calls.find((c) => c.request.uniq === missed)).toMatchObject({
      entity_type: "lead",
      entity_id: SMIRNOVA.openLeadId,
      request: { duration: 0, call_status: 6, call_responsible: PAIRS["101"] },
    });

    await w.settings({ calls: { repeatClientAction: "manual", missedTasks: { enabled: false } } });
    const second = await w.call({ type: "incoming", from: SMIRNOVA.phone, ring: ["101"] });
    expect(await tasksOf()).toHaveLength(tasksBefore + 1);
    expect((await w.amoState()).calls.some((c) => c.request.uniq === second)).toBe(true);
  });

  it("a missed call from a new number creates no contact or deal (§2.3); the task still names the set user", async () => {
    await w.settings({
      calls: {
        newClientAction: "contact_and_deal",
        missedStage: MISSED_STAGE,
        missedTasks: { enabled: true, responsibleUserId: 2004184 },
      },
    });
    const phone = "+79991230201";
    const before = await w.amoState();
    const entryId = await w.call({ type: "incoming", from: phone, ring: ["103", "102"] });
    const s = await w.amoState();
    expect(contactsWithPhone(s, phone)).toHaveLength(0);
    expect(s.leads).toHaveLength(before.leads.length);
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(0);
    // Nobody answered: the call belongs to a paired extension that rang (103 is not paired); the task,
    // attached to nothing, carries the number so someone calls back.
    const tasks = s.tasks.slice(before.tasks.length);
    expect(tasks).toEqual([
      expect.objectContaining({ responsible_user_id: 2004184, text: expect.stringContaining(phone) }),
    ]);
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done" });
    expect(run!.result).toMatchObject({
      responsibleUserId: PAIRS["102"],
      contactId: null,
      createdContact: false,
      logged: null,
      notLogged: expect.stringMatching(/пропущенному звонку контакт не создаётся/),
    });

    // Without the task there is nothing to write: the run is skipped with the reason.
    await w.settings({ calls: { newClientAction: "contact_and_deal", missedTasks: { enabled: false } } });
    const second = await w.call({ type: "incoming", from: phone, ring: ["102"] });
    expect(contactsWithPhone(await w.amoState(), phone)).toHaveLength(0);
    const [skippedRun] = await w.logRun(second);
    expect(skippedRun).toMatchObject({ status: "skipped" });
    expect(skippedRun!.lastError).toMatch(/пропущенному звонку контакт не создаётся/);
    expect(await w.callLog(second)).toMatchObject({ state: "skipped", contactId: null });
  });
});
