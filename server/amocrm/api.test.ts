import { describe, expect, it } from "vitest";
import { BASE, jsonResponse, sample, setup } from "@/test/amocrm-samples";
import { callNote, phoneField, smsNote } from "./requests";

describe("lists, 204 and pagination", () => {
  it("answers 204 with an empty list or null", async () => {
    const { client } = setup(() => jsonResponse(204, null));
    expect(await client.listLeads()).toEqual([]);
    expect(await client.findContactsByPhone("+79161234567")).toEqual([]);
    expect(await client.getLead(1)).toBeNull();
    expect(await client.getContact(1)).toBeNull();
  });

  it("walks pages by page number up to 250 per page and never follows a foreign next host", async () => {
    const lead = (id: number) => ({ id, status_id: 1, pipeline_id: 2 });
    const { client, calls } = setup((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      const next =
        page < 3 ? { next: { href: `https://evil.example.com/api/v4/leads?page=${page + 1}` } } : {};
      return jsonResponse(200, { _page: page, _links: { ...next }, _embedded: { leads: [lead(page * 10)] } });
    });
    const leads = await client.listLeads({ statuses: [{ pipelineId: 2, statusId: 1 }], withContacts: true });
    expect(leads.map((l) => l.id)).toEqual([10, 20, 30]);
    expect(calls.every((c) => c.url.startsWith(`${BASE}/api/v4/leads?`))).toBe(true);
    const q = new URL(calls[0]!.url).searchParams;
    expect(q.get("limit")).toBe("250");
    expect(q.get("filter[statuses][0][pipeline_id]")).toBe("2");
    expect(q.get("filter[statuses][0][status_id]")).toBe("1");
    expect(q.get("with")).toBe("contacts");
  });

  it("stops at maxPages", async () => {
    const { client, calls } = setup((req) => {
      const page = Number(new URL(req.url).searchParams.get("page"));
      return jsonResponse(200, {
        _links: { next: { href: `${BASE}/api/v4/leads?page=${page + 1}` } },
        _embedded: { leads: [{ id: page, status_id: 1, pipeline_id: 1 }] },
      });
    });
    expect(await client.listLeads({}, { maxPages: 2 })).toHaveLength(2);
    expect(calls).toHaveLength(2);
  });

  it("finds contacts by the phone's last 10 digits and keeps only real phone matches", async () => {
    const { client, calls } = setup(() =>
      jsonResponse(200, {
        _links: {},
        _embedded: {
          contacts: [
            {
              id: 1,
              name: "A",
              custom_fields_values: [
                {
                  field_id: 5,
                  field_code: "PHONE",
                  values: [{ value: "8 916 123-45-67", enum_code: "MOB" }],
                },
              ],
            },
            { id: 2, name: "9161234567 in the name only", custom_fields_values: null },
          ],
        },
      }),
    );
    const found = await client.findContactsByPhone("+7 (916) 123-45-67");
    expect(found.map((c) => c.id)).toEqual([1]);
    expect(new URL(calls[0]!.url).searchParams.get("query")).toBe("9161234567");
  });
});

describe("batch writes", () => {
  it("chunks writes by 50 and keeps input order", async () => {
    let next = 1;
    const { client, calls } = setup((req) => {
      const items = req.body as unknown[];
      return jsonResponse(200, {
        _embedded: { leads: items.map((_, i) => ({ id: next++, request_id: String(i) })) },
      });
    });
    const created = await client.createLeads(Array.from({ length: 120 }, (_, i) => ({ name: `L${i}` })));
    expect(calls.map((c) => (c.body as unknown[]).length)).toEqual([50, 50, 20]);
    expect(created.map((c) => c.id)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it("sends call and SMS notes with the documented params", async () => {
    const { client, calls } = setup(() => jsonResponse(200, sample("notes-add-response.json")));
    await client.addNotes("leads", [
      callNote(
        167353,
        {
          direction: "inbound",
          phone: "+79999999999",
          duration: 60,
          source: "Amango",
          uniq: "u-1",
          link: "https://rec",
        },
        { userId: 32321 },
      ),
      smsNote(167353, { direction: "outbound", phone: "+79999999999", text: "Здравствуйте" }),
    ]);
    expect(calls[0]?.url).toBe(`${BASE}/api/v4/leads/notes`);
    expect(calls[0]?.body).toEqual([
      {
        entity_id: 167353,
        note_type: "call_in",
        params: { uniq: "u-1", duration: 60, source: "Amango", link: "https://rec", phone: "+79999999999" },
        responsible_user_id: 32321,
        created_by: 32321,
      },
      { entity_id: 167353, note_type: "sms_out", params: { text: "Здравствуйте", phone: "+79999999999" } },
    ]);
  });

  it("reads the complex-create answer and the calls answer", async () => {
    const { client } = setup((req) =>
      jsonResponse(
        200,
        req.url.endsWith("/complex")
          ? sample("leads-complex-response.json")
          : sample("calls-add-response.json"),
      ),
    );
    const complex = await client.createLeadsComplex([
      {
        name: "Сделка",
        _embedded: { contacts: [{ first_name: "Ева", custom_fields_values: [phoneField("+79129876543")] }] },
      },
    ]);
    expect(complex[0]).toEqual({
      leadId: 15198335,
      contactId: 19663157,
      companyId: 19663155,
      requestId: ["qweasd"],
      merged: false,
    });
    const calls = await client.addCalls([
      { direction: "inbound", phone: "123123", duration: 10, source: "x" },
    ]);
    expect(calls.logged).toEqual([
      { id: 37512063, entityId: 11070881, entityType: "contact", requestId: "0" },
    ]);
  });

  it("numbers calls across chunks so refusals point at the input, and reads refusals leniently", async () => {
    const { client, calls } = setup((req) => {
      const items = req.body as { request_id: string }[];
      const [first, ...rest] = items;
      return jsonResponse(200, {
        errors: [{ request_id: first?.request_id, errors: [{ detail: "No contact" }] }, "opaque"],
        _embedded: { calls: rest.map((c, i) => ({ id: i + 1, request_id: c.request_id })) },
      });
    });
    const out = await client.addCalls(
      Array.from({ length: 60 }, (_, i) => ({
        direction: "inbound" as const,
        phone: `+7900000${1000 + i}`,
        duration: 1,
        source: "x",
      })),
    );
    expect(calls.map((c) => (c.body as unknown[]).length)).toEqual([50, 10]);
    expect(out.logged).toHaveLength(58);
    expect(out.errors.map((e) => [e.requestId, e.detail])).toEqual([
      ["0", "No contact"],
      [null, null],
      ["50", "No contact"],
      [null, null],
    ]);
  });
});
