import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * The one phone normalisation of Amango: every number from MANGO (digits without "+", `sip:` URIs),
 * amoCRM (whatever a person typed) and our own forms becomes E.164 ("+79991234567") before it is compared,
 * stored or searched. Russia is the default country: "8 (999) …", "9991234567" and "7999…" are Russian.
 * Masking for logs is `maskPhone` in server/log/mask.ts.
 */

export type NumberClass =
  /** A telephone number; `valid` is false when only its length is plausible (a new range, a typo). */
  | { kind: "phone"; e164: string; valid: boolean; country: string | null; extension: string | null }
  /** A short internal number: an employee's or a group's extension, or a service number ("112"). */
  | { kind: "extension"; extension: string }
  /** A SIP address whose user part is a login, not a phone number ("sip:ivanov@vpbx….mangosip.ru"). */
  | { kind: "sip"; uri: string }
  | { kind: "unknown"; raw: string };

export type NormalizeOptions = { defaultCountry?: CountryCode };

/** MANGO extensions are short ("101", "0511", "10004"); six digits is the longest seen in the wild. */
const MAX_EXTENSION_DIGITS = 6;
/** Shorter digit strings are local numbers without an area code: we cannot know the city, MANGO can. */
const MIN_PHONE_DIGITS = 10;
/** "доб. 101", "ext 101", "x101", "#101" after the number. */
const EXTENSION_SUFFIX = /\s*(?:доб\.?|доп\.?|ext\.?|x|#)\s*(\d{1,6})\s*$/iu;
const SCHEME = /^([a-z][a-z0-9+.-]*):(?:\/\/)?/i;
const PHONE_CHARS = /^[+\d\s().\-/]*$/;

function splitScheme(input: string): { scheme: string | null; rest: string } {
  const m = SCHEME.exec(input);
  if (!m) return { scheme: null, rest: input };
  return { scheme: (m[1] ?? "").toLowerCase(), rest: input.slice(m[0].length) };
}

export function classifyNumber(input: string, opts: NormalizeOptions = {}): NumberClass {
  const raw = input;
  let text = safeDecode(input.trim());
  const { scheme, rest } = splitScheme(text);
  if (scheme === "sip" || scheme === "sips") {
    const user = (rest.split("@")[0] ?? "").split(";")[0] ?? "";
    const digits = user.replace(/\D/g, "");
    if (!PHONE_CHARS.test(user) || digits.length < MIN_PHONE_DIGITS) return { kind: "sip", uri: text };
    text = user;
  } else if (scheme === "tel") {
    // RFC 3966: tel:+7-999-123-45-67;ext=101 — parameters after ';'.
    const [num = "", ...params] = rest.split(";");
    const ext = params.find((p) => p.toLowerCase().startsWith("ext="))?.slice(4);
    text = ext ? `${num} доб. ${ext}` : num;
  } else if (scheme !== null) {
    return { kind: "unknown", raw };
  }

  const extMatch = EXTENSION_SUFFIX.exec(text);
  const extension = extMatch ? (extMatch[1] ?? null) : null;
  const main = extMatch ? text.slice(0, extMatch.index) : text;
  if (!PHONE_CHARS.test(main)) return { kind: "unknown", raw };
  const digits = main.replace(/\D/g, "");
  const hasPlus = main.trim().startsWith("+");
  if (digits.length === 0) return { kind: "unknown", raw };
  if (!hasPlus && digits.length <= MAX_EXTENSION_DIGITS && !extension)
    return { kind: "extension", extension: digits };
  if (digits.length < MIN_PHONE_DIGITS && !hasPlus) return { kind: "unknown", raw };

  const phone = parsePhone(digits, hasPlus, opts.defaultCountry ?? "RU");
  if (!phone) return { kind: "unknown", raw };
  return {
    kind: "phone",
    e164: phone.number,
    valid: phone.isValid(),
    country: phone.country ?? null,
    extension,
  };
}

function parsePhone(digits: string, hasPlus: boolean, country: CountryCode) {
  const candidates: string[] = [];
  if (hasPlus) candidates.push(`+${digits}`);
  else if (digits.startsWith("00")) candidates.push(`+${digits.slice(2)}`);
  else {
    candidates.push(digits);
    // MANGO writes international numbers as digits without "+" ("375291111111", "74955404444").
    candidates.push(`+${digits}`);
  }
  for (const c of candidates) {
    const p = parsePhoneNumberFromString(c, country);
    if (p?.isPossible()) return p;
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** E.164 ("+79991234567") or null when the input is not a telephone number (extension, SIP login, junk). */
export function normalizePhone(input: string | null | undefined, opts: NormalizeOptions = {}): string | null {
  if (!input) return null;
  const c = classifyNumber(input, opts);
  return c.kind === "phone" ? c.e164 : null;
}

/** MANGO's own wire form: digits with the country code and no "+" ("79991234567") [mango-api.md §6.4]. */
export function toMangoNumber(e164: string): string {
  return e164.replace(/\D/g, "");
}

/** Whether two written forms are the same telephone number ("8 999 …" and "sip:7999…@…" are). */
export function samePhone(a: string, b: string, opts: NormalizeOptions = {}): boolean {
  const na = normalizePhone(a, opts);
  return na !== null && na === normalizePhone(b, opts);
}
