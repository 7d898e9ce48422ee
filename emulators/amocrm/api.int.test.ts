// Behaviour of the account API beyond the shapes: filters, search, paging limits, 204s, linking, isolation, snapshots.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PIPELINE_MAIN, PIPELINE_REPEAT, STATUS, USERS } from "./seed";
import { type Harness, startHarness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emu.close();
});
beforeEach(async () => {
  await h.control("/reset");
  await h.control("/rate-limit", { per_second: 1000 });
  await h.login();
});

type List<K extends string, T> = { _embedded: Record<K, T[]>; _links: Record<string, { href: string }> };
const ids = (r: { body: unknown }, key: string) =>
  (r.body as List<string, { id: number }>)._embedded[key]?.map((x) => x.id) ?? [];

describe("leads", () => {
  it("filters by pipeline and by status pair, searches with query, embeds contacts", async () => {
    const repeat = await h.api("GET", `/api/v4/leads?filter[pipeline_id]=${PIPELINE_REPEAT}`);
    expect(ids(repeat, "leads").sort()).toEqual([54884, 54886]);
    const won = await h.api(
      "GET",
      `/api/v4/leads?filter[statuses][0][pipeline_id]=${PIPELINE_MAIN}&filter[statuses][0][status_id]=142`,
    );
    expect(ids(won, "leads")).toEqual([19619]);
    const q = await h.api("GET", `/api/v4/leads?query=${encodeURIComponent("Петровой")}&with=contacts`);
    const lead = (
      q.body as List<
        "leads",
        { id: number; _embedded: { contacts: Array<{ id: number; is_main: boolean }> } }
      >
    )._embedded.leads[0];
    expect(lead?.id).toBe(9785993);
    expect(lead?._embedded.contacts).toEqual([expect.objectContaining({ id: 11070881, is_main: true })]);
  });

  it("pages with page/limit, answers 204 for an empty page and for an unknown id, 422 above 250", async () => {
    const p1 = await h.api("GET", "/api/v4/leads?limit=4&page=1");
    expect(ids(p1, "leads")).toHaveLength(4);
    expect((p1.body as List<"leads", unknown>)._links.next?.href).toContain("page=2");
    const p2 = await h.api("GET", "/api/v4/leads?limit=4&page=2");
    expect(ids(p2, "leads")).toHaveLength(2);
    const p3 = await h.api("GET", "/api/v4/leads?limit=4&page=3");
    expect(p3.status).toBe(204);
    expect(p3.text).toBe("");
    expect((await h.api("GET", "/api/v4/leads/1")).status).toBe(204);
    expect((await h.api("GET", "/api/v4/leads?limit=251")).status).toBe(422);
  });

  it("creates into the first working stage of the main pipeline; batch PATCH is capped at 50", async () => {
    const c = await h.api("POST", "/api/v4/leads", [{ name: "Новая", _embedded: { contacts: [{ id: 3 }] } }]);
    const id = ids(c, "leads")[0];
    const got = (await h.api("GET", `/api/v4/leads/${id}`)).body as {
      status_id: number;
      pipeline_id: number;
    };
    expect(got).toMatchObject({ pipeline_id: PIPELINE_MAIN, status_id: STATUS.mainFirstContact });
    const tooMany = Array.from({ length: 51 }, () => ({ id: 167353, price: 1 }));
    expect((await h.api("PATCH", "/api/v4/leads", tooMany)).status).toBe(422);
  });

  it("complex creates lead + contact + company whose links resolve", async () => {
    const r = await h.api("POST", "/api/v4/leads/complex", [
      {
        name: "Комплексная",
        _embedded: { contacts: [{ first_name: "Ирина" }], companies: [{ name: "ООО Ромашка" }] },
      },
    ]);
    const [row] = r.body as Array<{ id: number; contact_id: number; company_id: number }>;
    const company = await h.api("GET", `/api/v4/companies/${row?.company_id}`);
    expect(company.body).toMatchObject({ name: "ООО Ромашка" });
    const lead = await h.api("GET", `/api/v4/leads/${row?.id}?with=contacts`);
    expect(lead.body).toMatchObject({ _embedded: { contacts: [{ id: row?.contact_id, is_main: true }] } });
  });

  it("rejects an unknown custom field / status with validation-errors and changes nothing", async () => {
    const r = await h.api("PATCH", "/api/v4/leads", [
      { id: 167353, price: 1 },
      { id: 54884, status_id: 999 },
    ]);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      "validation-errors": [{ request_id: "1", errors: [{ code: "NotSupportedChoice", path: "status_id" }] }],
    });
    const lead = (await h.api("GET", "/api/v4/leads/167353")).body as { price: number };
    expect(lead.price).toBe(150000);
  });
});

describe("contacts and calls", () => {
  it("finds a contact by phone in any notation and returns PHONE with enum_id and enum_code", async () => {
    for (const q of ["+7 (916) 123-45-67", "89161234567", "9161234567"]) {
      const r = await h.api("GET", `/api/v4/contacts?query=${encodeURIComponent(q)}`);
      expect(ids(r, "contacts")).toEqual([3]);
    }
    const c = (await h.api("GET", "/api/v4/contacts/3")).body as {
      custom_fields_values: Array<{
        field_code: string;
        values: Array<{ enum_code: string; enum_id: number }>;
      }>;
    };
    const phone = c.custom_fields_values.find((f) => f.field_code === "PHONE");
    expect(phone?.values[0]).toMatchObject({ value: "+79161234567", enum_code: "WORK", enum_id: 193226 });
    expect((await h.api("GET", "/api/v4/contacts?query=70000000000")).status).toBe(204);
  });

  it("creates a contact with PHONE by field_code/enum_code (MOB) and rejects an unknown enum code", async () => {
    const cf = [{ field_code: "PHONE", values: [{ value: "+79001234567", enum_code: "MOB" }] }];
    const r = await h.api("POST", "/api/v4/contacts", [
      { first_name: "Олег", last_name: "Новиков", custom_fields_values: cf },
    ]);
    expect(r.status).toBe(200);
    const bad = [{ field_code: "PHONE", values: [{ value: "+79001234567", enum_code: "CELL" }] }];
    const e = await h.api("POST", "/api/v4/contacts", [{ name: "X", custom_fields_values: bad }]);
    expect(e.status).toBe(400);
    expect(JSON.stringify(e.body)).toContain("custom_fields_values.0.values.0.enum_code");
  });

  it("a call links to the single active deal of the matched contact and becomes a call_in note there", async () => {
    const r = await h.api("POST", "/api/v4/calls", [
      {
        direction: "inbound",
        duration: 42,
        source: "amango",
        phone: "89031112233",
        uniq: "u-1",
        call_status: 4,
      },
    ]);
    expect(r.status).toBe(200);
    const call = (r.body as { _embedded: { calls: Array<{ entity_type: string; entity_id: number }> } })
      ._embedded.calls[0];
    expect(call).toMatchObject({ entity_type: "lead", entity_id: 9785993 });
    const notes = await h.api("GET", "/api/v4/leads/9785993/notes?filter[note_type]=call_in");
    const note = (notes.body as List<"notes", { params: Record<string, unknown> }>)._embedded.notes[0];
    expect(note?.params).toMatchObject({ uniq: "u-1", duration: 42, phone: "89031112233", source: "amango" });
  });

  it("PATCH /notes changes a call note in place (a recording link added later); an unknown id is refused", async () => {
    await h.api("POST", "/api/v4/calls", [
      { direction: "inbound", duration: 42, source: "amango", phone: "89031112233", uniq: "u-2" },
    ]);
    const list = await h.api("GET", "/api/v4/leads/9785993/notes?filter[note_type]=call_in");
    const note = (
      list.body as List<"notes", { id: number; note_type: string; params: Record<string, unknown> }>
    )._embedded.notes.find((n) => n.params.uniq === "u-2")!;
    const link = "https://amango.example/api/recordings/abc";
    const r = await h.api("PATCH", "/api/v4/leads/notes", [
      { id: note.id, note_type: "call_in", params: { ...note.params, link } },
    ]);
    expect(r.status).toBe(200);
    expect((r.body as List<"notes", { id: number }>)._embedded.notes.map((n) => n.id)).toEqual([note.id]);
    const after = await h.api("GET", `/api/v4/leads/9785993/notes/${note.id}`);
    expect((after.body as { params: Record<string, unknown> }).params).toEqual({ ...note.params, link });
    const unknown = await h.api("PATCH", "/api/v4/leads/notes", [{ id: 1, params: { text: "x" } }]);
    expect(unknown.status).toBe(400);
    const badParams = await h.api("PATCH", "/api/v4/leads/notes", [{ id: note.id, params: { link } }]);
    expect(badParams.status).toBe(400);
  });
});

describe("an unknown user in a write", () => {
  const NO_SUCH_USER = 9_990_001;
  const refusal = (requestId: string) => ({
    "validation-errors": [
      {
        request_id: requestId,
        errors: [
          {
            code: "NotSupportedChoice",
            path: "responsible_user_id",
            detail: "The value you selected is not a valid choice.",
          },
        ],
      },
    ],
    title: "Bad Request",
    type: "https://httpstatus.es/400",
    status: 400,
    detail: "Request validation failed",
  });

  it("is refused with amoCRM's validation error, by the client's request_id or the index", async () => {
    const lead = await h.api("POST", "/api/v4/leads", [
      { name: "ok", responsible_user_id: USERS.manager },
      { name: "x", responsible_user_id: NO_SUCH_USER, request_id: "mine" },
    ]);
    expect(lead.status).toBe(400);
    expect(lead.body).toEqual(refusal("mine"));
    const contact = await h.api("POST", "/api/v4/contacts", [
      { name: "x", responsible_user_id: NO_SUCH_USER },
    ]);
    expect(contact.body).toEqual(refusal("0"));
    const patch = await h.api("PATCH", "/api/v4/leads", [
      { id: 167353, price: 1 },
      { id: 54884, responsible_user_id: NO_SUCH_USER },
    ]);
    expect(patch.body).toEqual(refusal("1"));
    const task = await h.api("POST", "/api/v4/tasks", [
      { text: "t", complete_till: 1900000000, responsible_user_id: NO_SUCH_USER },
    ]);
    expect(task.body).toEqual(refusal("0"));
    const note = await h.api("POST", "/api/v4/leads/167353/notes", [
      { note_type: "common", params: { text: "n" }, responsible_user_id: NO_SUCH_USER, request_id: "n-1" },
    ]);
    expect(note.body).toEqual(refusal("n-1"));
    const call = await h.api("POST", "/api/v4/calls", [
      {
        direction: "inbound",
        duration: 5,
        source: "amango",
        phone: "89031112233",
        responsible_user_id: NO_SUCH_USER,
      },
    ]);
    expect(call.body).toEqual(refusal("0"));
    // Nothing was written: the refused lead's batch neighbour, the patched price, the call.
    expect((await h.api("GET", "/api/v4/leads?query=ok")).status).toBe(204);
    expect(((await h.api("GET", "/api/v4/leads/167353")).body as { price: number }).price).toBe(150000);
    expect((await h.api("GET", "/api/v4/leads/9785993/notes?filter[note_type]=call_in")).status).toBe(204);
  });
});

describe("accounts and state", () => {
  it("keeps accounts apart", async () => {
    const demo = ids(await h.api("GET", "/api/v4/contacts"), "contacts");
    await h.login("other");
    const other = ids(await h.api("GET", "/api/v4/contacts", undefined, { sub: "other" }), "contacts");
    expect(other).toEqual([21000001]);
    expect(demo).not.toContain(21000001);
  });

  it("snapshots to a JSON file and loads it back", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "amo-")), "snap.json");
    await h.api("POST", "/api/v4/contacts", [{ name: "Сохранённый контакт" }]);
    expect((await h.control("/snapshot", { file })).status).toBe(200);
    await h.control("/reset");
    await h.control("/load", { file });
    await h.control("/rate-limit", { per_second: 1000 });
    await h.login();
    const r = await h.api("GET", `/api/v4/contacts?query=${encodeURIComponent("Сохранённый")}`);
    expect(ids(r, "contacts")).toHaveLength(1);
  });

  it("an admin token acts as another user with X-Context-User-ID", async () => {
    const r = await fetch(`${h.base()}/api/v4/leads`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${h.token}`,
        "content-type": "application/json",
        "x-context-user-id": "32321",
      },
      body: JSON.stringify([{ name: "От имени Ольги" }]),
    });
    const id = ((await r.json()) as { _embedded: { leads: Array<{ id: number }> } })._embedded.leads[0]?.id;
    const lead = (await h.api("GET", `/api/v4/leads/${id}`)).body as {
      created_by: number;
      responsible_user_id: number;
    };
    expect(lead).toMatchObject({ created_by: 32321, responsible_user_id: 32321 });
  });

  it("unknown control calls and accounts answer 404", async () => {
    expect((await h.control("/nope")).status).toBe(404);
    expect((await h.api("GET", "/api/v4/account", undefined, { sub: "ghost" })).status).toBe(404);
  });
});
