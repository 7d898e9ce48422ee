import { describe, expect, it } from "vitest";
import { SMS_MACROS, smsMacroCatalogue } from "@/lib/domain/sms/macros";
import { countSmsSegments } from "@/lib/domain/sms/segments";
import type { AmoContact, AmoCustomField, AmoLead } from "@/server/amocrm/transform";
import {
  analyseSmsTemplate,
  composeSms,
  formatPrice,
  renderSmsTemplate,
  type SmsTemplateContext,
} from "./template";

const lead: AmoLead = {
  id: 24815,
  name: "Поставка оборудования",
  price: 60000,
  pipelineId: 1,
  statusId: 10,
  responsibleUserId: 501,
  groupId: null,
  lossReasonId: null,
  createdAt: null,
  updatedAt: null,
  closedAt: null,
  isDeleted: false,
  tags: [{ id: 1, name: "vip", color: null }],
  contacts: [{ id: 77, isMain: true }],
  companyIds: [],
  customFields: [
    {
      fieldId: 900,
      fieldCode: null,
      fieldName: "Номер договора",
      values: [{ value: "Д-17", enumId: null, enumCode: null }],
    },
    {
      fieldId: 901,
      fieldCode: null,
      fieldName: "Дата визита",
      values: [{ value: 1764028800, enumId: null, enumCode: null }],
    },
    { fieldId: 902, fieldCode: null, fieldName: "Пустое", values: [] },
  ],
};

const oleg: AmoContact = {
  id: 77,
  name: "Олег",
  firstName: "Олег",
  lastName: null,
  phones: [
    { value: "+7 495 540-44-44", enumCode: "WORK" },
    { value: "8 (916) 123-45-67", enumCode: "MOB" },
  ],
  emails: [{ value: "oleg@example.ru", enumCode: "WORK" }],
  responsibleUserId: 501,
  groupId: null,
  createdAt: null,
  updatedAt: null,
  tags: [],
  leadIds: [24815],
  customFields: [
    {
      fieldId: 300,
      fieldCode: null,
      fieldName: "Город",
      values: [{ value: "Тверь", enumId: null, enumCode: null }],
    },
  ],
};

const context: SmsTemplateContext = {
  lead,
  mainContact: oleg,
  responsible: { name: "Лопаткин Василий", extension: "100" },
};

const ACCEPTANCE_TEMPLATE =
  "Добрый день, {{maincontact.name}}! Ваш персональный менеджер {{user.name}}, тел. +74 955 404 444, доб.{{user.phone}}";
const ACCEPTANCE_TEXT =
  "Добрый день, Олег! Ваш персональный менеджер Лопаткин Василий, тел. +74 955 404 444, доб.100";

describe("renderSmsTemplate", () => {
  it("renders the issue's acceptance-1 example exactly, as two UCS-2 segments", () => {
    const result = renderSmsTemplate(ACCEPTANCE_TEMPLATE, context);
    expect(result).toEqual({ ok: true, text: ACCEPTANCE_TEXT, fallbackFor: [] });
    const count = countSmsSegments(ACCEPTANCE_TEXT);
    expect(count).toMatchObject({
      encoding: "UCS-2",
      units: 92,
      segments: 2,
      perSegment: 67,
    });
    expect(count.remaining).toBe(67 * 2 - 92);
  });

  it("fills deal macros; the budget is grouped by thousands with a plain space", () => {
    const result = renderSmsTemplate("Сделка №{{lead.id}} «{{lead.name}}» на {{lead.price}} руб.", context);
    expect(result).toMatchObject({ ok: true, text: "Сделка №24815 «Поставка оборудования» на 60 000 руб." });
    expect(formatPrice(1234567.5)).toBe("1 234 567,5");
    expect(formatPrice(999)).toBe("999");
  });

  it("fills contact macros: the phone is the mobile one, in E.164", () => {
    const result = renderSmsTemplate(
      "{{maincontact.first_name}} {{maincontact.phone}} {{maincontact.email}}",
      context,
    );
    expect(result).toMatchObject({ ok: true, text: "Олег +79161234567 oleg@example.ru" });
  });

  it("fills custom fields by id, dates in the account's timezone", () => {
    const result = renderSmsTemplate(
      "Договор {{lead.cf.900}}, визит {{lead.cf.901}}, город {{maincontact.cf.300}}",
      { ...context, fieldTypes: new Map([[901, "date"]]), timezone: "Europe/Moscow" },
    );
    expect(result).toMatchObject({ ok: true, text: "Договор Д-17, визит 25.11.2025, город Тверь" });
  });

  it("accepts spaces and capitals inside the braces", () => {
    expect(renderSmsTemplate("{{ MainContact.Name }}", context)).toMatchObject({ ok: true, text: "Олег" });
  });

  it("renders a missing value as the rule's fallback and says which macro used it", () => {
    const result = renderSmsTemplate(
      "Здравствуйте, {{maincontact.name}}! Менеджер доб.{{user.phone}}",
      { ...context, mainContact: null, responsible: { name: "Лопаткин Василий", extension: null } },
      { fallback: "клиент" },
    );
    expect(result).toEqual({
      ok: true,
      text: "Здравствуйте, клиент! Менеджер доб.клиент",
      fallbackFor: ["{{maincontact.name}}", "{{user.phone}}"],
    });
  });

  it("without a fallback skips the SMS with a Russian reason naming the macro", () => {
    const result = renderSmsTemplate(
      ACCEPTANCE_TEMPLATE,
      { ...context, responsible: null },
      { fallback: "  " },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.missing).toEqual(["{{user.name}}", "{{user.phone}}"]);
    expect(result.reason).toContain("{{user.name}}");
    expect(result.reason).toContain("SMS пропущено");
  });

  it("treats an unset budget (0) and an empty custom field as missing, naming the field", () => {
    const zero = renderSmsTemplate("{{lead.price}}", { ...context, lead: { ...lead, price: 0 } });
    expect(zero).toMatchObject({ ok: false, missing: ["{{lead.price}}"] });
    const empty = renderSmsTemplate("{{lead.cf.902}}", context);
    expect(empty).toMatchObject({ ok: false });
    if (!empty.ok) expect(empty.reason).toContain("«Пустое»");
  });

  it("reports an unknown macro instead of sending it, even with a fallback", () => {
    const result = renderSmsTemplate("Бюджет {{lead.prise}}", context, { fallback: "—" });
    expect(result).toMatchObject({ ok: false, unknown: ["{{lead.prise}}"] });
    if (!result.ok) expect(result.reason).toContain("Неизвестный макрос {{lead.prise}}");
  });

  it("reports unclosed braces", () => {
    const result = renderSmsTemplate("Привет, {{maincontact.name", context);
    expect(result.ok).toBe(false);
    expect(analyseSmsTemplate("a }} b").malformed).toBe(true);
    expect(analyseSmsTemplate("{{user.name}} и {{user.name}}").used).toEqual(["user.name"]);
  });
});

describe("macro catalogue", () => {
  it("has a Russian label and an example for every macro, MANGO's keys included", () => {
    for (const m of SMS_MACROS) {
      expect(m.token).toBe(`{{${m.key}}}`);
      expect(m.label).toMatch(/[а-яё]/i);
      expect(m.example).not.toBe("");
    }
    expect(SMS_MACROS.map((m) => m.key)).toEqual(
      expect.arrayContaining([
        "maincontact.name",
        "user.name",
        "user.phone",
        "lead.price",
        "lead.name",
        "lead.id",
      ]),
    );
  });

  it("lists the account's custom fields by id and leaves out phone and e-mail", () => {
    const field = (id: number, name: string, type: string, code: string | null = null): AmoCustomField => ({
      id,
      name,
      type,
      code,
      sort: null,
      isApiOnly: false,
      enums: [],
    });
    const lists = smsMacroCatalogue({
      lead: [field(901, "Дата визита", "date")],
      contact: [field(1, "Телефон", "multitext", "PHONE"), field(300, "Город", "text")],
    });
    expect(lists.map((l) => l.title)).toEqual(["Сделка", "Основной контакт", "Ответственный"]);
    expect(lists[0]?.macros.at(-1)).toMatchObject({
      token: "{{lead.cf.901}}",
      label: "Дата визита",
      example: "25.11.2026",
    });
    expect(lists[1]?.macros.map((m) => m.key)).toContain("maincontact.cf.300");
    expect(lists[1]?.macros.map((m) => m.key)).not.toContain("maincontact.cf.1");
    // Every listed macro renders: the editor never offers something the renderer would reject.
    for (const l of lists) for (const m of l.macros) expect(analyseSmsTemplate(m.token).unknown).toEqual([]);
  });
});

describe("composeSms", () => {
  it("gives the text to send with its segment count", () => {
    const sms = composeSms(ACCEPTANCE_TEMPLATE, context);
    expect(sms).toMatchObject({ ok: true, text: ACCEPTANCE_TEXT, count: { encoding: "UCS-2", segments: 2 } });
  });

  it("refuses a rendered text over MANGO's limit even when the template itself fits", () => {
    const template = `${"ж".repeat(250)} {{lead.name}}`;
    expect(composeSms(template, { ...context, lead: { ...lead, name: "Короткая" } }).ok).toBe(true);
    const long = composeSms(template, { ...context, lead: { ...lead, name: "ж".repeat(30) } });
    expect(long).toMatchObject({ ok: false, reason: expect.stringContaining("из 268") });
  });

  it("passes the skip reason of a missing value through", () => {
    expect(composeSms("{{user.phone}}", { ...context, responsible: null })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("{{user.phone}}"),
    });
  });
});
