import type { Condition, Rule } from "@/lib/domain/rules/schema";
import type { AmoCustomFieldValue } from "@/server/amocrm/transform";
import type { DealEvent, DealSnapshot } from "./snapshot";

/**
 * Pure evaluation of a rule's conditions against a deal snapshot. A skipped deal is journaled with the
 * failing condition and a reason a manager can read ("Бюджет 30 000 ≤ 50 000"), so the reasons are Russian
 * sentences naming the deal's actual value and the rule's expectation.
 */
export type Evaluation =
  | { matches: true }
  | { matches: false; failed: { condition: Condition; reason: string } };

type DealPart = DealSnapshot["deal"];

/** Rules of the event's stage waiting for its trigger, in the order given (several per stage all run). */
export function rulesToRun<R extends Pick<Rule, "pipelineId" | "statusId" | "trigger" | "enabled">>(
  rules: readonly R[],
  event: Pick<DealEvent, "pipelineId" | "statusId" | "trigger">,
): R[] {
  return rules.filter(
    (r) =>
      r.enabled &&
      r.pipelineId === event.pipelineId &&
      r.statusId === event.statusId &&
      r.trigger === event.trigger,
  );
}

export function evaluateRule(rule: Pick<Rule, "conditions">, snapshot: DealSnapshot): Evaluation {
  const { mode, items } = rule.conditions;
  // No conditions = no filter (the rule acts on every deal of its stage and trigger), in both modes.
  if (items.length === 0) return { matches: true };
  const failures: { condition: Condition; reason: string }[] = [];
  for (const condition of items) {
    const reason = failureOf(condition, snapshot.deal);
    if (reason === null) {
      if (mode === "any") return { matches: true };
    } else {
      if (mode === "all") return { matches: false, failed: { condition, reason } };
      failures.push({ condition, reason });
    }
  }
  if (mode === "all") return { matches: true };
  // "any" failed only when every item failed: name them all, the first one as the condition.
  const reason = `Не выполнено ни одно из условий: ${failures.map((f) => f.reason).join("; ")}`;
  return { matches: false, failed: { condition: failures[0]!.condition, reason } };
}

/** Null when the condition holds, else why it does not. */
export function failureOf(condition: Condition, deal: DealPart): string | null {
  switch (condition.kind) {
    case "tag":
      return tagFailure(condition, deal.tags);
    case "budget":
      return budgetFailure(condition, deal.price);
    case "responsible":
      return responsibleFailure(condition, deal);
    case "custom_field":
      return customFieldFailure(condition, deal.customFields);
  }
}

// ── formatting ────────────────────────────────────────────────────────────────────────────────────────

/** "30 000": Russian digit groups with a plain space, so the journal text is what people type and search. */
export function formatAmount(n: number): string {
  return new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 2 })
    .format(n)
    .replace(/[\s\u00a0\u202f]/g, " ");
}

const quote = (s: string) => `«${s.length > 60 ? `${s.slice(0, 59)}…` : s}»`;
const norm = (s: string) => s.trim().toLocaleLowerCase("ru-RU");

function tagsNote(tags: string[]): string {
  return tags.length === 0 ? "у сделки нет тегов" : `теги сделки: ${tags.join(", ")}`;
}

// ── the four kinds ────────────────────────────────────────────────────────────────────────────────────

function tagFailure(c: Extract<Condition, { kind: "tag" }>, tags: string[]): string | null {
  const want = norm(c.value);
  const found = tags.some((t) => (c.op === "equals" ? norm(t) === want : norm(t).includes(want)));
  if (found) return null;
  const what = c.op === "equals" ? `Нет тега ${quote(c.value)}` : `Нет тега, содержащего ${quote(c.value)}`;
  return `${what} (${tagsNote(tags)})`;
}

function budgetFailure(c: Extract<Condition, { kind: "budget" }>, price: number): string | null {
  const held = c.op === "gt" ? price > c.value : c.op === "lt" ? price < c.value : price === c.value;
  if (held) return null;
  // The sign shown is the relation that holds instead: "> 50 000" failing at 30 000 reads "30 000 ≤ 50 000".
  const sign = c.op === "gt" ? "≤" : c.op === "lt" ? "≥" : "≠";
  return `Бюджет ${formatAmount(price)} ${sign} ${formatAmount(c.value)}`;
}

function responsibleFailure(c: Extract<Condition, { kind: "responsible" }>, deal: DealPart): string | null {
  if (deal.responsibleUserId === c.userId) return null;
  const wanted = c.userName ?? `пользователь #${c.userId}`;
  if (deal.responsibleUserId === null) return `У сделки нет ответственного (условие: ${wanted})`;
  const actual = deal.responsibleUserName ?? `пользователь #${deal.responsibleUserId}`;
  return `Ответственный — ${actual}, а не ${wanted}`;
}

/** Scalar values of a field as text; objects (legal entities, addresses) are not comparable here. */
function fieldTexts(field: AmoCustomFieldValue | undefined): string[] {
  return (field?.values ?? [])
    .map((v) => v.value)
    .filter((v): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v))
    .map((v) => String(v).trim())
    .filter((v) => v !== "");
}

/** "1 500,5" and "1500.5" are both numbers: amoCRM numeric fields come back as strings from the editor. */
function asNumber(v: string | number): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  const s = v.replace(/[\s\u00a0]/g, "").replace(",", ".");
  if (s === "") return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function customFieldFailure(
  c: Extract<Condition, { kind: "custom_field" }>,
  fields: AmoCustomFieldValue[],
): string | null {
  const field = fields.find((f) => f.fieldId === c.fieldId);
  const texts = fieldTexts(field);
  const name = field?.fieldName ?? c.fieldName;
  const label = name ? `Поле ${quote(name)}` : `Поле #${c.fieldId}`;
  const actual = texts.map(quote).join(", ");
  const value = c.value ?? "";

  switch (c.op) {
    case "empty":
      return texts.length === 0 ? null : `${label} заполнено: ${actual}`;
    case "not_empty":
      return texts.length > 0 ? null : `${label} не заполнено`;
    case "equals": {
      const wantNum = asNumber(value);
      const held = texts.some((t) => {
        const n = asNumber(t);
        return wantNum !== null && n !== null ? n === wantNum : norm(t) === norm(String(value));
      });
      if (held) return null;
      if (texts.length === 0) return `${label} не заполнено (условие: = ${quote(String(value))})`;
      return `${label}: ${actual} ≠ ${quote(String(value))}`;
    }
    case "contains": {
      if (texts.some((t) => norm(t).includes(norm(String(value))))) return null;
      if (texts.length === 0) return `${label} не заполнено (условие: содержит ${quote(String(value))})`;
      return `${label}: ${actual} не содержит ${quote(String(value))}`;
    }
    case "gt":
    case "lt": {
      const limit = typeof value === "number" ? value : (asNumber(value) ?? Number.NaN);
      const sign = c.op === "gt" ? ">" : "<";
      if (texts.length === 0) return `${label} не заполнено (условие: ${sign} ${formatAmount(limit)})`;
      const n = asNumber(texts[0]!);
      if (n === null) return `${label}: ${actual} — не число (условие: ${sign} ${formatAmount(limit)})`;
      if (c.op === "gt" ? n > limit : n < limit) return null;
      return `${label}: ${formatAmount(n)} ${c.op === "gt" ? "≤" : "≥"} ${formatAmount(limit)}`;
    }
  }
}
