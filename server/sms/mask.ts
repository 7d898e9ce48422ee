// The SMS log shows who an SMS went to without the number itself: `+7 916 ***-**-67` — the country and
// operator/area code (so a person recognises a mobile from a landline and a region) and the last two
// digits (so they can tell two recipients apart). The full number never leaves the server.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

const PHONE_LIKE = /\+?\d[\d\s().-]{8,}\d/g;
/** At least this many digits of the national number stay hidden, whatever the country's grouping. */
const MIN_HIDDEN_DIGITS = 4;
const VISIBLE_TAIL = 2;

const digitsOf = (value: string) => value.replace(/\D/g, "");
const star = (s: string) => s.replace(/\d/g, "*");

/** A number that does not parse: the last two digits only. */
function maskUnparsed(value: string): string {
  const digits = digitsOf(value);
  return digits.length > VISIBLE_TAIL + MIN_HIDDEN_DIGITS ? `***${digits.slice(-VISIBLE_TAIL)}` : "***";
}

/** E.164 (or anything libphonenumber reads as international) → "+7 916 ***-**-67". */
export function maskRecipientPhone(value: string): string {
  const phone = parsePhoneNumberFromString(value.trim().startsWith("+") ? value : `+${digitsOf(value)}`);
  if (!phone) return maskUnparsed(value);
  // "+7 916 123 45 67": the calling code, the first national group, then the subscriber part.
  const [code, first, ...rest] = phone.formatInternational().split(" ");
  const national = phone.nationalNumber;
  const hidden = national.length - digitsOf(first ?? "").length - VISIBLE_TAIL;
  if (!code || !first || rest.length === 0 || hidden < MIN_HIDDEN_DIGITS) {
    const tail = national.slice(-VISIBLE_TAIL);
    return national.length > VISIBLE_TAIL + MIN_HIDDEN_DIGITS
      ? `+${phone.countryCallingCode} ${"*".repeat(national.length - VISIBLE_TAIL)}${tail}`
      : `+${phone.countryCallingCode} ***`;
  }
  const subscriber = rest.join("-");
  const shown = subscriber.slice(0, subscriber.length - VISIBLE_TAIL);
  return `${code} ${first} ${star(shown)}${subscriber.slice(-VISIBLE_TAIL)}`;
}

/**
 * The SMS text (or a reason) with every phone number in it masked: a template may quote the client's phone
 * to the responsible (`{{maincontact.phone}}`), and the log must not give any number away — not only the
 * recipient's. Runs of fewer than ten digits ("доб.100", sums, dates) are left as they are.
 */
export function hidePhonesIn(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const digits = digitsOf(m);
    if (digits.length < 10) return m;
    // Russian spellings: 8 XXX… and a bare 10-digit national number are +7.
    const e164 =
      digits.length === 11 && digits.startsWith("8")
        ? `+7${digits.slice(1)}`
        : digits.length === 10
          ? `+7${digits}`
          : `+${digits}`;
    return maskRecipientPhone(e164);
  });
}
