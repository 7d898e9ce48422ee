import { describe, expect, it } from "vitest";
import { sample } from "@/test/amocrm-samples";
import {
  contactHasPhone,
  mainContactId,
  samePhone,
  toAccount,
  toContact,
  toCustomField,
  toLead,
  toPipeline,
  toUser,
} from "./transform";
import {
  accountSchema,
  accountSubdomainSchema,
  callsCreatedSchema,
  complexCreatedSchema,
  contactSchema,
  createdItemSchema,
  customFieldSchema,
  customFieldsCreatedSchema,
  customFieldsListSchema,
  embeddedSchema,
  leadSchema,
  leadsListSchema,
  pipelinesListSchema,
  tagsCreatedSchema,
  tagsListSchema,
  tokenResponseSchema,
  updatedItemSchema,
  usersListSchema,
} from "./types";

describe("account", () => {
  it("reads groups, task types, amojo id and timezone from the documented answer", () => {
    const account = toAccount(accountSchema.parse(sample("account-response.json")));
    expect(account).toMatchObject({
      id: 1231414,
      subdomain: "example",
      currentUserId: 581651,
      amojoId: "f3c6340d-410e-4ad1-9f7e-c5e663599909",
      timezone: "Europe/Moscow",
      usersGroups: [{ id: 0, name: "Отдел продаж" }],
    });
    expect(account.taskTypes.map((t) => t.code)).toEqual(["FOLLOW_UP", "MEETING"]);
  });
});

describe("users", () => {
  it("maps admin flag, group and e-mail", () => {
    const list = usersListSchema.parse(sample("users-list-response.json"));
    const users = list._embedded.users.map(toUser);
    expect(users).toEqual([
      expect.objectContaining({
        id: 123123,
        isAdmin: false,
        groupId: null,
        email: "example2@mail.com",
        isActive: true,
      }),
      expect.objectContaining({ id: 321321, isAdmin: true, groupId: null, lang: "ru" }),
    ]);
  });
});

describe("pipelines", () => {
  it("types the unsorted stage, the shared won/lost statuses and the open ones, in sort order", () => {
    const list = pipelinesListSchema.parse(sample("pipelines-list-response.json"));
    const [p] = list._embedded.pipelines.map(toPipeline);
    expect(p).toMatchObject({ id: 3177727, name: "Воронка", isMain: true, isArchive: false });
    expect(p?.statuses.map((s) => [s.id, s.type])).toEqual([
      [32392156, "unsorted"],
      [32392159, "open"],
      [32392165, "open"],
      [142, "won"],
      [143, "lost"],
    ]);
  });
});

describe("leads", () => {
  it("reads a list page with null custom fields and its next link", () => {
    const page = leadsListSchema.parse(sample("leads-list-response.json"));
    expect(page._links?.next?.href).toContain("page=3");
    const leads = page._embedded.leads.map(toLead);
    expect(leads[0]).toMatchObject({
      id: 19619,
      price: 46333,
      statusId: 142,
      pipelineId: 1300,
      responsibleUserId: 123321,
      closedAt: 1483005931,
      customFields: [],
      tags: [],
      contacts: [],
    });
    expect(mainContactId(leads[0]!)).toBeNull();
  });

  it("finds the main contact: the flagged one, else the first", () => {
    const raw = leadSchema.parse({
      id: 1,
      status_id: 2,
      pipeline_id: 3,
      _embedded: {
        contacts: [
          { id: 10, is_main: false },
          { id: 11, is_main: true },
        ],
      },
    });
    expect(mainContactId(toLead(raw))).toBe(11);
    expect(mainContactId({ contacts: [{ id: 7, isMain: false }] })).toBe(7);
  });

  it("parses create, patch and complex answers", () => {
    const created = embeddedSchema("leads", createdItemSchema).parse(sample("leads-add-response.json"));
    expect(created._embedded.leads.map((l) => [l.id, l.request_id])).toEqual([
      [10185151, "0"],
      [10185153, "1"],
    ]);
    const patched = embeddedSchema("leads", updatedItemSchema).parse(sample("leads-patch-response.json"));
    expect(patched._embedded.leads[0]).toEqual({ id: 54886, updated_at: 1589556420 });
    const complex = complexCreatedSchema.parse(sample("leads-complex-response.json"));
    expect(complex[1]).toEqual({
      id: 15198337,
      contact_id: 19663161,
      company_id: 19663159,
      request_id: ["uns_qweasd"],
      merged: false,
    });
  });
});

describe("contacts", () => {
  // The GET sample of a contact is kept back by the reference; the shape below is the documented model
  // (§6.5) with the real multitext values of custom-fields-values-multitext-example.txt and the
  // `enum` spelling of the official contact example.
  const raw = contactSchema.parse({
    id: 3,
    name: "Иван Иванов",
    first_name: "Иван",
    last_name: "Иванов",
    responsible_user_id: 504141,
    created_at: 1582117331,
    custom_fields_values: [
      {
        field_id: 66192,
        field_name: "Телефон",
        field_code: "PHONE",
        field_type: "multitext",
        values: [
          { value: "+79121234567", enum_id: 48224, enum_code: "MOB" },
          { value: "+74991234567", enum_id: 48226, enum: "HOME" },
        ],
      },
      { field_id: 66194, field_code: "EMAIL", values: [{ value: "ivan@example.com", enum_code: "WORK" }] },
    ],
    _embedded: { leads: [{ id: 9 }] },
  });

  it("reads phones with their enum codes (enum_code, or enum as the official example spells it)", () => {
    const c = toContact(raw);
    expect(c.phones).toEqual([
      { value: "+79121234567", enumCode: "MOB" },
      { value: "+74991234567", enumCode: "HOME" },
    ]);
    expect(c).toMatchObject({ id: 3, name: "Иван Иванов", responsibleUserId: 504141, createdAt: 1582117331 });
    expect(c.emails).toEqual([{ value: "ivan@example.com", enumCode: "WORK" }]);
    expect(c.leadIds).toEqual([9]);
  });

  it("matches phones by the last 10 digits, as amoCRM links calls", () => {
    const c = toContact(raw);
    expect(contactHasPhone(c, "8 (912) 123-45-67")).toBe(true);
    expect(contactHasPhone(c, "+7 912 123 45 68")).toBe(false);
    expect(samePhone("123", "0123")).toBe(false);
  });

  it("parses create and patch answers", () => {
    const created = embeddedSchema("contacts", createdItemSchema).parse(sample("contacts-add-response.json"));
    expect(created._embedded.contacts.map((c) => c.id)).toEqual([40401635, 40401636]);
    const patched = embeddedSchema("contacts", updatedItemSchema).parse(
      sample("contact-patch-response.json"),
    );
    expect(patched._embedded.contacts[0]).toEqual({ id: 3, updated_at: 1590945248 });
  });
});

describe("custom fields", () => {
  it("reads the PHONE definition with its enum codes", () => {
    const f = toCustomField(customFieldSchema.parse(sample("custom-field-phone-definition.json")));
    expect(f).toMatchObject({ id: 3, code: "PHONE", type: "multitext" });
    expect(f.enums.map((e) => e.value)).toEqual(["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"]);
  });

  it("reads list, RU create answer and Kommo's bare create answer", () => {
    const list = customFieldsListSchema.parse(sample("custom-fields-list-response.json"));
    expect(list._embedded.custom_fields.map(toCustomField).map((f) => [f.id, f.type, f.enums])).toEqual([
      [4439091, "text", []],
      [4440043, "date", []],
    ]);
    const created = embeddedSchema("custom_fields", customFieldSchema).parse(
      sample("custom-fields-create-response.json"),
    );
    expect(created._embedded.custom_fields[0]?.enums?.map((e) => e.id)).toEqual([3778801, 3778803]);
    // Both create-answer wrappers (RU doc vs Kommo's bare object) come out the same.
    for (const file of ["custom-fields-create-response.json", "kommo-custom-field-created-201.json"]) {
      const parsed = customFieldsCreatedSchema.parse(sample(file));
      expect(parsed._embedded.custom_fields).toHaveLength(1);
    }
    expect(
      customFieldsCreatedSchema.parse(sample("kommo-custom-field-created-201.json"))._embedded
        .custom_fields[0]?.id,
    ).toBe(1016236);
  });
});

describe("notes, tasks, calls, tags, oauth answers", () => {
  it("parses them from the samples", () => {
    const notes = embeddedSchema("notes", createdItemSchema).parse(sample("notes-add-response.json"));
    expect(notes._embedded.notes).toHaveLength(4);
    expect(notes._embedded.notes[0]).toEqual({ id: 76787983, entity_id: 167353, request_id: "0" });
    const tasks = embeddedSchema("tasks", createdItemSchema).parse(sample("tasks-add-response.json"));
    expect(tasks._embedded.tasks[0]).toMatchObject({ id: 4745251, request_id: "example" });
    const calls = callsCreatedSchema.parse(sample("calls-add-response.json"));
    expect(calls._embedded?.calls[0]).toEqual({
      id: 37512063,
      entity_id: 11070881,
      entity_type: "contact",
      request_id: "0",
    });
    expect(tagsListSchema.parse(sample("tags-list-response.json"))._embedded.tags[1]).toEqual({
      id: 2709,
      name: "Техническая поддержка",
      color: null,
    });
    expect(tagsCreatedSchema.parse(sample("tags-add-response.json"))._embedded.tags[1]?.request_id).toBe(
      "my_request_id",
    );
    expect(tokenResponseSchema.parse(sample("oauth-token-response.json")).expires_in).toBe(86400);
    expect(accountSubdomainSchema.parse(sample("oauth-account-subdomain-response.json")).subdomain).toBe(
      "account_subdomain",
    );
  });
});
