import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FIELD, USERS } from "./seed";
import { exchange, type Harness, startHarness } from "./test-support";

/**
 * Editing custom fields (PATCH /api/v4/{entity}/custom_fields[/{id}]): `enums` is the complete new list —
 * with `id` kept (value may change), without `id` created, omitted deleted. Seeded: leads multiselect
 * «Интересы» (FIELD.leadInterests) with enums Оборудование 2957741, Сервис 2957743.
 */

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

interface Enum {
  id: number;
  value: string;
  sort: number;
}
interface Field {
  id: number;
  name: string;
  type: string;
  enums: Enum[] | null;
}
type FieldList = { _total_items: number; _embedded: { custom_fields: Field[] } };

const INTERESTS = FIELD.leadInterests;

async function field(id: number): Promise<Field> {
  const r = await h.api("GET", `/api/v4/leads/custom_fields/${id}`);
  expect(r.status).toBe(200);
  return r.body as Field;
}

function validation(body: unknown): { code: string; path: string } | undefined {
  return (body as { "validation-errors"?: Array<{ errors: Array<{ code: string; path: string }> }> })[
    "validation-errors"
  ]?.[0]?.errors[0];
}

describe("PATCH custom_fields", () => {
  it("batch: keeps enums with an id (renamed), creates those without, deletes the omitted ones", async () => {
    const r = await h.api("PATCH", "/api/v4/leads/custom_fields", [
      {
        id: INTERESTS,
        name: "Интересы клиента",
        enums: [
          { id: 2957741, value: "Оборудование и ПО", sort: 10 },
          { value: "Тариф «Бизнес»", sort: 20 },
        ],
      },
    ]);
    expect(r.status).toBe(200);
    const list = r.body as FieldList;
    expect(list._total_items).toBe(1);
    const f = list._embedded.custom_fields[0];
    expect(f).toMatchObject({ id: INTERESTS, name: "Интересы клиента", type: "multiselect" });
    expect(f?.enums).toHaveLength(2);
    expect(f?.enums?.[0]).toEqual({ id: 2957741, value: "Оборудование и ПО", sort: 10 });
    const created = f?.enums?.[1];
    expect(created?.value).toBe("Тариф «Бизнес»");
    expect(created?.id).not.toBe(2957743);
    expect((await field(INTERESTS)).enums).toEqual(f?.enums);

    // The deleted enum (Сервис) is no longer a valid choice for a lead; the new one is.
    const bad = await h.api("POST", "/api/v4/leads", [
      { name: "X", custom_fields_values: [{ field_id: INTERESTS, values: [{ enum_id: 2957743 }] }] },
    ]);
    expect(bad.status).toBe(400);
    expect(validation(bad.body)).toEqual(
      expect.objectContaining({
        code: "NotSupportedChoice",
        path: "custom_fields_values.0.values.0.enum_id",
      }),
    );
    const ok = await h.api("POST", "/api/v4/leads", [
      {
        name: "Y",
        custom_fields_values: [
          { field_id: INTERESTS, values: [{ enum_id: 2957741 }, { enum_id: created?.id }] },
        ],
      },
    ]);
    expect(ok.status).toBe(200);
    const leadId = (ok.body as { _embedded: { leads: Array<{ id: number }> } })._embedded.leads[0]?.id;
    const lead = (await h.api("GET", `/api/v4/leads/${leadId}`)).body as {
      custom_fields_values: Array<{ field_id: number; values: Array<{ value: string; enum_id: number }> }>;
    };
    expect(lead.custom_fields_values.find((c) => c.field_id === INTERESTS)?.values).toEqual([
      expect.objectContaining({ value: "Оборудование и ПО", enum_id: 2957741 }),
      expect.objectContaining({ value: "Тариф «Бизнес»", enum_id: created?.id }),
    ]);
  });

  it("single: PATCH …/custom_fields/{id} answers the field; renaming an enum renames stored lead values; deleting one drops them", async () => {
    const made = await h.api("POST", "/api/v4/leads", [
      {
        name: "Z",
        custom_fields_values: [{ field_id: INTERESTS, values: [{ enum_id: 2957741 }, { enum_id: 2957743 }] }],
      },
    ]);
    const leadId = (made.body as { _embedded: { leads: Array<{ id: number }> } })._embedded.leads[0]?.id;
    const r = await h.api("PATCH", `/api/v4/leads/custom_fields/${INTERESTS}`, {
      enums: [{ id: 2957743, value: "Сервисное обслуживание" }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: INTERESTS,
      type: "multiselect",
      enums: [{ id: 2957743, value: "Сервисное обслуживание" }],
    });
    const lead = (await h.api("GET", `/api/v4/leads/${leadId}`)).body as {
      custom_fields_values: Array<{ field_id: number; values: Array<{ value: string; enum_id: number }> }>;
    };
    expect(lead.custom_fields_values.find((c) => c.field_id === INTERESTS)?.values).toEqual([
      expect.objectContaining({ value: "Сервисное обслуживание", enum_id: 2957743 }),
    ]);
  });

  it("refuses non-admins with 403", async () => {
    const code = (await h.control("/oauth/code", { subdomain: "demo", user_id: USERS.manager })).body as {
      code: string;
    };
    const pair = (await exchange(h.base(), { grant_type: "authorization_code", code: code.code })).body as {
      access_token: string;
    };
    const r = await h.api("PATCH", "/api/v4/leads/custom_fields", [{ id: INTERESTS, name: "x" }], {
      token: pair.access_token,
    });
    expect(r.status).toBe(403);
    expect((await field(INTERESTS)).name).toBe("Интересы");
  });

  it("refuses unknown field ids, foreign enum ids, wrong types and enums on a text field; a failed batch changes nothing", async () => {
    const unknown = await h.api("PATCH", "/api/v4/leads/custom_fields", [
      { id: INTERESTS, name: "Изменено" },
      { id: 999999, name: "Нет такого" },
    ]);
    expect(unknown.status).toBe(400);
    expect(
      (unknown.body as { "validation-errors": Array<{ request_id: string }> })["validation-errors"][0]
        ?.request_id,
    ).toBe("1");
    expect(validation(unknown.body)).toMatchObject({ code: "NotSupportedChoice", path: "id" });
    expect((await field(INTERESTS)).name).toBe("Интересы");

    const single = await h.api("PATCH", "/api/v4/leads/custom_fields/999999", { name: "x" });
    expect(single.status).toBe(400);

    const foreignEnum = await h.api("PATCH", `/api/v4/leads/custom_fields/${INTERESTS}`, {
      enums: [{ id: 1, value: "чужой" }],
    });
    expect(validation(foreignEnum.body)).toMatchObject({ code: "NotSupportedChoice", path: "enums.0.id" });

    const wrongType = await h.api("PATCH", "/api/v4/leads/custom_fields", [{ id: INTERESTS, name: 5 }]);
    expect(wrongType.status).toBe(400);
    expect(validation(wrongType.body)).toMatchObject({ code: "InvalidType", path: "name" });

    const typeChange = await h.api("PATCH", "/api/v4/leads/custom_fields", [
      { id: INTERESTS, type: "select" },
    ]);
    expect(validation(typeChange.body)).toMatchObject({ code: "NotSupportedChoice", path: "type" });

    const textEnums = await h.api("PATCH", `/api/v4/leads/custom_fields/${FIELD.leadComment}`, {
      enums: [{ value: "a" }],
    });
    expect(validation(textEnums.body)).toMatchObject({ code: "NotSupportedChoice", path: "enums" });
    expect((await field(INTERESTS)).enums?.map((e) => e.id)).toEqual([2957741, 2957743]);
  });
});

describe("multiselect values on leads", () => {
  it("PATCH of a lead with an unknown enum_id is refused as amoCRM does", async () => {
    const r = await h.api("PATCH", "/api/v4/leads", [
      {
        id: 54884,
        custom_fields_values: [{ field_id: INTERESTS, values: [{ enum_id: 2957741 }, { enum_id: 42 }] }],
      },
    ]);
    expect(r.status).toBe(400);
    expect(validation(r.body)).toEqual({
      code: "NotSupportedChoice",
      path: "custom_fields_values.0.values.1.enum_id",
      detail: "The value you selected is not a valid choice.",
    });
  });
});
