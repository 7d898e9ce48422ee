import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CC_CONTACT_FIELDS, ccFieldState } from "@/server/onboarding/cc-fields";
import { contactsWithPhone, type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";

/**
 * Issue 6 acceptance 4 (logging part): a call of a Contact Center outbound campaign against both
 * emulators. MANGO's campaign 77002 «Продление договоров» dials its queued tasks in order:
 * 9000001 Орлов Павел 79031234501, then 9000002 Волкова Елена 79031234502.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(async () => {
  await w?.close();
});

const CAMPAIGN = { id: 77002, name: "Продление договоров" };

/** Everything amoCRM holds about a number: contacts, logged calls, call notes. */
async function amoTraceOf(phone: string, entryId: string) {
  const s = await w.amoState();
  return {
    contacts: contactsWithPhone(s, phone),
    calls: s.calls.filter((c) => c.request.uniq === entryId || c.request.phone === phone),
    notes: s.notes.filter((n) => n.params.uniq === entryId),
  };
}

describe("Contact Center campaign calls", () => {
  it("acceptance 4, off: «Интеграция с Контакт-центром» off → nothing in amoCRM, and the journal says why", async () => {
    await w.settings({
      calls: { outgoing: { createContact: true } },
      extra: { contactCenter: { enabled: false } },
    });
    const entryId = await w.call({ type: "campaign", campaignId: CAMPAIGN.id, operator: "102" });
    expect(await amoTraceOf("+79031234501", entryId)).toEqual({ contacts: [], calls: [], notes: [] });
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "skipped" });
    expect(run!.lastError).toMatch(/кампании исходящего обзвона.*«Интеграция с Контакт-центром» выключена/);
    expect(await w.callLog(entryId)).toMatchObject({
      state: "skipped",
      reason: run!.lastError,
      contactId: null,
      loggedAt: null,
    });
  });

  it("acceptance 4, on: the call is logged and the new contact gets the three ЦОВ fields from the campaign task", async () => {
    await w.settings({
      calls: { outgoing: { createContact: true } },
      extra: { contactCenter: { enabled: true } },
    });
    // The task the previous test dialled is finished; this call reaches the next client of the campaign.
    const entryId = await w.call({ type: "campaign", campaignId: CAMPAIGN.id, operator: "102" });
    const phone = "+79031234502";
    const trace = await amoTraceOf(phone, entryId);
    expect(trace.contacts).toHaveLength(1);
    const contact = trace.contacts[0]!;
    expect(contact).toMatchObject({ name: "Волкова Елена", responsible_user_id: PAIRS["102"] });

    const { ids } = await ccFieldState(w.t.db, { tenantId: w.tenant.id });
    expect(ids).not.toBeNull();
    const fields = (contact.custom_fields_values ?? []) as {
      field_id: number;
      field_name?: string;
      values: { value: unknown }[];
    }[];
    const fieldValue = (id: number) => fields.find((f) => f.field_id === id)?.values[0]?.value;
    expect(fieldValue(ids!.campaignName)).toBe(CAMPAIGN.name);
    expect(fieldValue(ids!.campaignId)).toBe(String(CAMPAIGN.id));
    expect(fieldValue(ids!.clientId)).toBe("9000002");
    // The ids name the fields onboarding defines, as amoCRM lists them.
    const defined = await w.amocrm().listCustomFields("contacts");
    expect(defined.find((f) => f.id === ids!.campaignName)?.name).toBe(CC_CONTACT_FIELDS.campaignName);

    expect(trace.calls).toHaveLength(1);
    expect(trace.calls[0]).toMatchObject({ entity_type: "contact", entity_id: contact.id });
    expect(trace.calls[0]!.request).toMatchObject({
      direction: "outbound",
      phone,
      call_responsible: PAIRS["102"],
      call_status: 4,
    });
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done" });
    expect(run!.result).toMatchObject({ campaignTaskId: 9000002, createdContact: true });
  });
});
