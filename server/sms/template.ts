import { DATE_FIELD_TYPES, type ParsedMacroKey, parseMacroKey } from "@/lib/domain/sms/macros";
import { checkMangoLength, type SmsSegmentCount } from "@/lib/domain/sms/segments";
import type { AmoContact, AmoCustomFieldValue, AmoLead } from "@/server/amocrm/transform";
import { pickClientPhone } from "./recipients";

/**
 * SMS templates with MANGO-style macros, rendered against one deal. Rendering never guesses: a macro
 * without a value becomes the rule's fallback text or makes the SMS skipped with a reason naming the
 * macro, and an unknown or broken macro is an error — a client must never receive "{{lead.prise}}".
 */

export type SmsTemplateContext = {
  lead: Pick<AmoLead, "id" | "name" | "price" | "customFields">;
  mainContact: Pick<
    AmoContact,
    "name" | "firstName" | "lastName" | "phones" | "emails" | "customFields"
  > | null;
  /** The deal's responsible: amoCRM name and the extension of the paired MANGO employee. */
  responsible: { name: string | null; extension: string | null } | null;
  /** `AmoCustomField.type` by field id, so date fields print as dates; without it they print as stored. */
  fieldTypes?: ReadonlyMap<number, string>;
  /** The amoCRM account's timezone for dates (amoCRM stores them as unix seconds); Moscow when absent. */
  timezone?: string;
};

export type RenderOptions = {
  /** The rule's text for a missing value; null, undefined or blank means "skip the SMS instead". */
  fallback?: string | null;
};

export type RenderResult =
  | { ok: true; text: string; fallbackFor: string[] }
  | { ok: false; reason: string; missing: string[]; unknown: string[] };

type Piece = { kind: "text"; text: string } | { kind: "macro"; token: string; parsed: ParsedMacroKey };

export type TemplateAnalysis = {
  pieces: Piece[];
  /** Macros the renderer does not know, as written ("{{lead.prise}}"). */
  unknown: string[];
  /** "{{" or "}}" that do not form a macro. */
  malformed: boolean;
  /** Keys of the known macros used, in order, without repeats. */
  used: string[];
};

const MACRO = /\{\{([^{}]*)\}\}/g;

/** What the editor checks on every keystroke and the renderer before it looks at a deal. */
export function analyseSmsTemplate(template: string): TemplateAnalysis {
  const pieces: Piece[] = [];
  const unknown: string[] = [];
  const used: string[] = [];
  let malformed = false;
  let last = 0;
  for (const m of template.matchAll(MACRO)) {
    const text = template.slice(last, m.index);
    if (text.includes("{{") || text.includes("}}")) malformed = true;
    if (text) pieces.push({ kind: "text", text });
    const parsed = parseMacroKey(m[1] ?? "");
    pieces.push({ kind: "macro", token: m[0], parsed });
    if (parsed.kind === "unknown") {
      if (!unknown.includes(m[0])) unknown.push(m[0]);
    } else if (!used.includes(parsed.key)) used.push(parsed.key);
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (tail.includes("{{") || tail.includes("}}")) malformed = true;
  if (tail) pieces.push({ kind: "text", text: tail });
  return { pieces, unknown, malformed, used };
}

/** amoCRM budgets are whole roubles; grouped with a plain space ("60 000") as MANGO's guide writes them. A
 * no-break space would be safer typographically but is outside GSM-7 and would halve a Latin SMS. */
export function formatPrice(price: number): string {
  const [int = "0", frac] = (Math.round(Math.abs(price) * 100) / 100).toString().split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${price < 0 ? "-" : ""}${grouped}${frac ? `,${frac}` : ""}`;
}

function formatDate(value: unknown, type: string, timeZone: string): string | null {
  const ms =
    typeof value === "number"
      ? value * 1000
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value) * 1000
        : typeof value === "string"
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms)) return null;
  const withTime = type === "date_time";
  return new Intl.DateTimeFormat("ru-RU", {
    timeZone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
  }).format(new Date(ms));
}

function customFieldText(
  fields: readonly AmoCustomFieldValue[],
  fieldId: number,
  ctx: SmsTemplateContext,
): string | null {
  const field = fields.find((f) => f.fieldId === fieldId);
  if (!field) return null;
  const type = ctx.fieldTypes?.get(fieldId) ?? "";
  const timeZone = ctx.timezone ?? "Europe/Moscow";
  const parts = field.values
    .map(({ value }) => {
      if (DATE_FIELD_TYPES.has(type)) return formatDate(value, type, timeZone);
      if (typeof value === "boolean") return value ? "да" : "нет";
      if (typeof value === "number") return Number.isFinite(value) ? String(value) : null;
      if (typeof value === "string") return value.trim();
      // Objects (legal entities, linked records) have no one-line form an SMS could carry.
      return null;
    })
    .filter((v): v is string => Boolean(v));
  return parts.length > 0 ? parts.join(", ") : null;
}

const blank = (s: string | null | undefined): string | null => (s?.trim() ? s.trim() : null);

/** The value of a known macro for this deal, or null when the deal has none. */
function macroValue(parsed: Exclude<ParsedMacroKey, { kind: "unknown" }>, ctx: SmsTemplateContext) {
  const { lead, mainContact: contact, responsible } = ctx;
  if (parsed.kind === "customField") {
    if (parsed.entity === "lead") return customFieldText(lead.customFields, parsed.fieldId, ctx);
    return contact ? customFieldText(contact.customFields, parsed.fieldId, ctx) : null;
  }
  switch (parsed.key) {
    case "lead.id":
      return String(lead.id);
    case "lead.name":
      return blank(lead.name);
    case "lead.price":
      // amoCRM shows an unset budget as 0: "бюджет 0" in an SMS is never what the author meant.
      return lead.price > 0 ? formatPrice(lead.price) : null;
    case "maincontact.name":
      return blank(contact?.name) ?? blank([contact?.firstName, contact?.lastName].filter(Boolean).join(" "));
    case "maincontact.first_name":
      return blank(contact?.firstName);
    case "maincontact.last_name":
      return blank(contact?.lastName);
    case "maincontact.phone": {
      const picked = pickClientPhone(contact);
      return picked.ok ? picked.phone : null;
    }
    case "maincontact.email":
      return blank(contact?.emails.find((e) => blank(e.value))?.value);
    case "user.name":
      return blank(responsible?.name);
    case "user.phone":
      return blank(responsible?.extension);
    default:
      return null;
  }
}

/** "{{maincontact.name}} (Имя основного контакта)" for the reasons. */
function describeMacro(
  parsed: Exclude<ParsedMacroKey, { kind: "unknown" }>,
  ctx: SmsTemplateContext,
): string {
  const token = `{{${parsed.key}}}`;
  if (parsed.kind === "fixed") return `${token} («${parsed.macro.label}»)`;
  const fields = parsed.entity === "lead" ? ctx.lead.customFields : (ctx.mainContact?.customFields ?? []);
  const name = fields.find((f) => f.fieldId === parsed.fieldId)?.fieldName;
  const owner = parsed.entity === "lead" ? "сделки" : "контакта";
  return name ? `${token} (поле ${owner} «${name}»)` : `${token} (поле ${owner} ${parsed.fieldId})`;
}

/** Why a template cannot be rendered at all, whatever the deal; null when it can. */
export function templateProblem(analysis: TemplateAnalysis): string | null {
  if (analysis.unknown.length === 1)
    return `Неизвестный макрос ${analysis.unknown[0]} — выберите макрос из списка под полем.`;
  if (analysis.unknown.length > 1)
    return `Неизвестные макросы ${analysis.unknown.join(", ")} — выберите макросы из списка под полем.`;
  if (analysis.malformed)
    return "В шаблоне есть незакрытые фигурные скобки «{{» или «}}» — проверьте макросы.";
  return null;
}

export function renderSmsTemplate(
  template: string,
  context: SmsTemplateContext,
  { fallback }: RenderOptions = {},
): RenderResult {
  const analysis = analyseSmsTemplate(template);
  const problem = templateProblem(analysis);
  if (problem) return { ok: false, reason: problem, missing: [], unknown: analysis.unknown };

  const usable = blank(fallback) === null ? null : (fallback as string);
  const missing: string[] = [];
  const missingDescribed: string[] = [];
  let text = "";
  for (const piece of analysis.pieces) {
    if (piece.kind === "text") {
      text += piece.text;
      continue;
    }
    const parsed = piece.parsed;
    if (parsed.kind === "unknown") continue; // unreachable: templateProblem refused the template above
    const value = macroValue(parsed, context);
    if (value !== null) {
      text += value;
      continue;
    }
    if (!missing.includes(`{{${parsed.key}}}`)) {
      missing.push(`{{${parsed.key}}}`);
      missingDescribed.push(describeMacro(parsed, context));
    }
    if (usable !== null) text += usable;
  }
  if (missing.length === 0 || usable !== null) return { ok: true, text, fallbackFor: missing };
  const reason =
    missing.length === 1
      ? `Нет значения для макроса ${missingDescribed[0]}, а запасной текст не задан — SMS пропущено.`
      : `Нет значений для макросов ${missingDescribed.join(", ")}, а запасной текст не задан — SMS пропущено.`;
  return { ok: false, reason, missing, unknown: [] };
}

export type ComposedSms =
  | { ok: true; text: string; count: SmsSegmentCount; fallbackFor: string[] }
  | { ok: false; reason: string };

/**
 * The text that will really be sent, or why not: rendered against the deal, then held to MANGO's length
 * limit — a template within the limit can outgrow it once a long name or a fallback is filled in, so the
 * send path checks the rendered text, not only the editor the template.
 */
export function composeSms(
  template: string,
  context: SmsTemplateContext,
  options: RenderOptions = {},
): ComposedSms {
  const rendered = renderSmsTemplate(template, context, options);
  if (!rendered.ok) return { ok: false, reason: rendered.reason };
  const length = checkMangoLength(rendered.text);
  if (!length.ok) return { ok: false, reason: length.reason };
  return { ok: true, text: rendered.text, count: length.count, fallbackFor: rendered.fallbackFor };
}
