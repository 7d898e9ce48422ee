/**
 * SMS length arithmetic: the one count behind the editor's counter, the preview, `rules.save`'s limit check
 * and the check before sending. Operators bill per segment, and one character outside GSM-7 (any Cyrillic
 * letter, an emoji, a backtick) switches the whole message to UCS-2, which more than halves its capacity —
 * so the counter says which encoding applies.
 *
 * Counted one way, in the network's units — never in "characters" as a person sees them:
 * - GSM-7: septets; the extension characters (`€ [ ] { } ^ ~ \ |`, form feed) take two.
 * - UCS-2: UTF-16 code units, as the handset encodes and the operator bills. An emoji outside the Basic
 *   Multilingual Plane is a surrogate pair, 2 units (😀); a ZWJ sequence is the sum of its parts
 *   (👨‍👩‍👧 = 2+1+2+1+2 = 8), a skin tone adds 2 (👍🏽 = 4), a flag is two regional letters (🇷🇺 = 4), a
 *   variation selector adds 1 (❤️ = 2). MANGO's "268 Cyrillic characters" (4 × 67) is this count too.
 * A surrogate pair is never cut between two parts (a ZWJ sequence may be — handsets rejoin it).
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

export type SmsSegmentCount = {
  encoding: SmsEncoding;
  /** What the network counts and MANGO limits: septets for GSM-7 (extension chars are 2), UTF-16 code units for UCS-2. */
  units: number;
  /** 0 for an empty text. */
  segments: number;
  /** Capacity of one segment at this length: 160/70 for a single SMS, 153/67 per part of a long one. */
  perSegment: number;
  /** Units still free in the current (last) segment before another segment is needed. */
  remaining: number;
};

// 3GPP TS 23.038 default alphabet. ESC (0x1B) is left out: it is the prefix of the extension table,
// never a character of its own.
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** Sent as ESC + char: two septets each. */
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

/** Septets of one character, or null when GSM-7 cannot carry it. */
function gsm7Units(ch: string): 1 | 2 | null {
  if (GSM7_BASIC.has(ch)) return 1;
  if (GSM7_EXTENSION.has(ch)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsm7Units(ch) === null) return false;
  return true;
}

export function countSmsSegments(text: string): SmsSegmentCount {
  const chars = [...text];
  const gsm = isGsm7(text);
  const encoding: SmsEncoding = gsm ? "GSM-7" : "UCS-2";
  // An extension character (ESC + char) or a surrogate pair must not be cut between two parts, or the
  // phone shows garbage; so the parts are packed character by character rather than by dividing the total.
  const widths = chars.map((ch) => (gsm ? (gsm7Units(ch) ?? 1) : ch.length));
  const units = widths.reduce((a, b) => a + b, 0);
  const single = gsm ? GSM7_SINGLE : UCS2_SINGLE;
  const part = gsm ? GSM7_PART : UCS2_PART;

  if (units === 0) return { encoding, units, segments: 0, perSegment: single, remaining: single };
  if (units <= single) return { encoding, units, segments: 1, perSegment: single, remaining: single - units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > part) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { encoding, units, segments, perSegment: part, remaining: part - used };
}

/**
 * MANGO's `commands/sms` limit [mango-api.md §2.4, §4]: 612 Latin / 268 Cyrillic characters, i.e. four
 * parts of 153 septets or 67 UCS-2 units. Counted in units, not characters: "€" takes two septets, so
 * 612 of them would be eight parts' worth — MANGO states the limit as four parts.
 */
export const MANGO_LIMIT_GSM7 = 4 * GSM7_PART;
export const MANGO_LIMIT_UCS2 = 4 * UCS2_PART;

export type MangoLengthCheck =
  | { ok: true; count: SmsSegmentCount; limit: number }
  | { ok: false; count: SmsSegmentCount; limit: number; reason: string };

export function checkMangoLength(text: string): MangoLengthCheck {
  const count = countSmsSegments(text);
  const limit = count.encoding === "GSM-7" ? MANGO_LIMIT_GSM7 : MANGO_LIMIT_UCS2;
  if (text.trim().length === 0) return { ok: false, count, limit, reason: "Текст SMS пуст." };
  if (count.units <= limit) return { ok: true, count, limit };
  const kind =
    count.encoding === "GSM-7"
      ? "латиница"
      : /[\u{10000}-\u{10FFFF}]/u.test(text)
        ? "кириллица или символы вне GSM-7 — такой текст отправляется в UCS-2, эмодзи занимает 2 знака и больше"
        : "кириллица или символы вне GSM-7 — такой текст отправляется в UCS-2";
  return {
    ok: false,
    count,
    limit,
    reason:
      `Текст SMS длиннее, чем принимает MANGO OFFICE: ${count.units} из ${limit} символов (${kind}). ` +
      `Сократите на ${count.units - limit}.`,
  };
}
