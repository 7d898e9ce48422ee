import { z } from "zod";

/**
 * What each text and number of a rule may hold, bounded by where it goes: MANGO's `commands/sms`, amoCRM's
 * fields, our journal. Pure (zod only): `rules.save` validates with these through `ruleDraftSchema`, and the
 * editor's form builds its fields from the same schemas, so both refuse the same value with the same limit.
 * The messages are Russian and name the limit; the form shows them by issue code and limit
 * (components/rules/form-issues.ts), the server sends them as they are.
 */

/** A name someone reads on a card and in the journal; 120 fits a line of either. */
export const RULE_NAME_MAX = 120;
/**
 * SMS sender names (alpha-names) are registered with the mobile operators as at most 11 Latin letters, digits
 * and a few signs (`PRO-TAXI` in MANGO's own example, mango-api.md §2.4). MANGO's field takes 128 characters,
 * but an operator delivers nothing longer than 11 under an alpha-name, so the editor holds to 11.
 */
export const SENDER_NAME_MAX = 11;
/**
 * Allowed in an alpha-name: Latin letters, digits, space and `. - _ ! &`; it starts with a letter or digit.
 * An empty name passes here: it is refused once, as missing.
 */
export const SENDER_NAME_PATTERN = /^(?:[A-Za-z0-9][A-Za-z0-9 ._\-!&]*)?$/;
/** amoCRM tags are short labels; 100 is well above any real one. */
export const TAG_MAX = 100;
/** A custom-field text to compare with (amoCRM text fields hold more, but a condition compares a value). */
export const FIELD_TEXT_MAX = 500;
/**
 * Storage cap of the template before rendering; MANGO's own limit (612 GSM-7 / 268 UCS-2 units) applies to
 * the rendered text and is checked by lib/domain/sms/segments.ts.
 */
export const TEMPLATE_MAX = 2000;
export const FALLBACK_MAX = 200;
/** Names stored beside ids for the journal (user, field, campaign): amoCRM's own name length. */
export const SNAPSHOT_NAME_MAX = 255;
/** A budget is whole roubles (amoCRM's `price` is an integer), from 0 to a trillion. */
export const BUDGET_MAX = 1_000_000_000_000;
/** A number field may be negative (a balance), within the same trillion either way. */
export const FIELD_NUMBER_MAX = 1_000_000_000_000;

/** 1000000 → "1 000 000" (plain spaces, the same in Node and every browser). */
const grouped = (n: number) =>
  `${n < 0 ? "-" : ""}${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, " ")}`;

export const boundMessages = {
  tooLong: (max: number) => `Не длиннее ${max} символов`,
  required: "Заполните поле",
  senderRequired: "Укажите имя отправителя",
  senderFormat:
    "Имя отправителя — латинские буквы, цифры, пробел и знаки . - _ ! &, первым — буква или цифра",
  negative: "Число не может быть отрицательным",
  tooBig: (max: number) => `Не больше ${grouped(max)}`,
  tooSmall: (min: number) => `Не меньше ${grouped(min)}`,
  integer: "Нужно целое число",
  number: "Нужно число",
} as const;

/** A trimmed text of at most `max` characters (counted before trimming would refuse padded pastes). */
export const boundedText = (max: number) => z.string().trim().max(max, boundMessages.tooLong(max));

export const ruleNameSchema = boundedText(RULE_NAME_MAX);
export const tagValueSchema = boundedText(TAG_MAX).min(1, boundMessages.required);
export const fieldTextSchema = z.string().max(FIELD_TEXT_MAX, boundMessages.tooLong(FIELD_TEXT_MAX));
export const snapshotNameSchema = z.string().max(SNAPSHOT_NAME_MAX, boundMessages.tooLong(SNAPSHOT_NAME_MAX));

export const senderNameSchema = z
  .string()
  .trim()
  .min(1, boundMessages.senderRequired)
  .max(SENDER_NAME_MAX, boundMessages.tooLong(SENDER_NAME_MAX))
  .regex(SENDER_NAME_PATTERN, boundMessages.senderFormat);

export const templateSchema = boundedText(TEMPLATE_MAX).min(1, "Напишите текст SMS");
export const fallbackSchema = z.string().max(FALLBACK_MAX, boundMessages.tooLong(FALLBACK_MAX));

export const budgetValueSchema = z
  .number(boundMessages.number)
  .int(boundMessages.integer)
  .min(0, boundMessages.negative)
  .max(BUDGET_MAX, boundMessages.tooBig(BUDGET_MAX));

export const fieldNumberSchema = z
  .number(boundMessages.number)
  .min(-FIELD_NUMBER_MAX, boundMessages.tooSmall(-FIELD_NUMBER_MAX))
  .max(FIELD_NUMBER_MAX, boundMessages.tooBig(FIELD_NUMBER_MAX));
