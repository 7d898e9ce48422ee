/** The part of an amoCRM custom field the macro list needs (structural: this module is shared with the UI). */
export type MacroCustomField = { id: number; name: string; type: string; code: string | null };

/**
 * The macro catalogue of SMS templates: what the editor lists under the text field (MANGO's DP dialog
 * groups them as deal / main contact / responsible / custom fields [mango-cc-and-widget.md §2.6]) and
 * what the renderer accepts. Keys follow MANGO's spelling (`{{maincontact.name}}`, `{{user.phone}}`) so a
 * template copied from MANGO's widget keeps working; custom fields are `{{lead.cf.<field id>}}` and
 * `{{maincontact.cf.<field id>}}` — by id, because a field's name may be renamed or repeated.
 */

export type SmsMacroGroup = "lead" | "maincontact" | "user";

export type SmsMacro = {
  /** Without braces: "maincontact.name". */
  key: string;
  /** What gets inserted at the cursor: "{{maincontact.name}}". */
  token: string;
  group: SmsMacroGroup;
  label: string;
  example: string;
};

export const SMS_MACRO_GROUP_LABELS: Record<SmsMacroGroup, string> = {
  lead: "Сделка",
  maincontact: "Основной контакт",
  user: "Ответственный",
};

const macro = (group: SmsMacroGroup, name: string, label: string, example: string): SmsMacro => ({
  key: `${group}.${name}`,
  token: `{{${group}.${name}}}`,
  group,
  label,
  example,
});

/** The fixed macros; custom fields are added per account by `smsMacroCatalogue`. */
export const SMS_MACROS: readonly SmsMacro[] = [
  macro("lead", "id", "Номер сделки", "24815"),
  macro("lead", "name", "Название сделки", "Поставка оборудования"),
  macro("lead", "price", "Бюджет сделки", "60 000"),
  macro("maincontact", "name", "Имя основного контакта", "Олег"),
  macro("maincontact", "first_name", "Имя (поле «Имя»)", "Олег"),
  macro("maincontact", "last_name", "Фамилия (поле «Фамилия»)", "Петров"),
  macro("maincontact", "phone", "Телефон основного контакта", "+79161234567"),
  macro("maincontact", "email", "E-mail основного контакта", "oleg@example.ru"),
  macro("user", "name", "Имя ответственного", "Лопаткин Василий"),
  macro("user", "phone", "Внутренний номер ответственного в MANGO OFFICE", "100"),
];

const FIXED = new Map(SMS_MACROS.map((m) => [m.key, m]));
const CUSTOM_FIELD_KEY = /^(lead|maincontact)\.cf\.(\d{1,12})$/;

/** Types whose value amoCRM sends as a unix timestamp and the SMS should show as a date. */
export const DATE_FIELD_TYPES = new Set(["date", "date_time", "birthday"]);

/**
 * Fields that already have their own macro or hold nothing an SMS can show. `multitext` by type too:
 * amoCRM's field list leaves out `code` (sample custom-fields-list-response.json), and PHONE / EMAIL (the
 * multitext fields, with macros of their own) must not come back as custom-field macros.
 */
const NOT_OFFERED_CODES = new Set(["PHONE", "EMAIL"]);
const NOT_OFFERED_TYPES = new Set([
  "multitext",
  "legal_entity",
  "linked_entity",
  "chained_list",
  "file",
  "tracking_data",
]);

export type ParsedMacroKey =
  | { kind: "fixed"; key: string; macro: SmsMacro }
  | { kind: "customField"; key: string; entity: "lead" | "maincontact"; fieldId: number }
  | { kind: "unknown"; key: string };

/** Inside the braces, spaces ignored and case folded: `{{ MainContact.Name }}` is `maincontact.name`. */
export function parseMacroKey(inner: string): ParsedMacroKey {
  const key = inner.trim().toLowerCase();
  const fixed = FIXED.get(key);
  if (fixed) return { kind: "fixed", key, macro: fixed };
  const cf = CUSTOM_FIELD_KEY.exec(key);
  if (cf)
    return { kind: "customField", key, entity: cf[1] as "lead" | "maincontact", fieldId: Number(cf[2]) };
  return { kind: "unknown", key: inner.trim() };
}

function customFieldExample(type: string): string {
  if (DATE_FIELD_TYPES.has(type)) return type === "date_time" ? "25.11.2026, 18:30" : "25.11.2026";
  if (type === "numeric" || type === "price") return "1500";
  if (type === "checkbox") return "да";
  if (type === "url") return "https://example.ru";
  return "значение поля";
}

function customFieldMacros(entity: "lead" | "maincontact", fields: readonly MacroCustomField[]): SmsMacro[] {
  return fields
    .filter((f) => !NOT_OFFERED_CODES.has(f.code ?? "") && !NOT_OFFERED_TYPES.has(f.type))
    .map((f) => ({
      key: `${entity}.cf.${f.id}`,
      token: `{{${entity}.cf.${f.id}}}`,
      group: entity,
      label: f.name,
      example: customFieldExample(f.type),
    }));
}

export type SmsMacroList = { group: SmsMacroGroup; title: string; macros: SmsMacro[] };

/** The editor's lists: fixed macros first, then the account's custom fields of deals and contacts. */
export function smsMacroCatalogue(
  fields: { lead?: readonly MacroCustomField[]; contact?: readonly MacroCustomField[] } = {},
): SmsMacroList[] {
  const groups: SmsMacroGroup[] = ["lead", "maincontact", "user"];
  const custom = {
    lead: customFieldMacros("lead", fields.lead ?? []),
    maincontact: customFieldMacros("maincontact", fields.contact ?? []),
    user: [],
  };
  return groups.map((group) => ({
    group,
    title: SMS_MACRO_GROUP_LABELS[group],
    macros: [...SMS_MACROS.filter((m) => m.group === group), ...custom[group]],
  }));
}
