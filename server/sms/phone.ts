import type { SmsMessageRow } from "@/db/schema";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { maskPhone } from "@/server/log/mask";
import { secretFingerprint } from "@/server/secrets/fingerprint";
import { hidePhonesIn } from "./mask";

/**
 * An SMS's number and text at rest, like a call's number (server/calls/phone.ts): `phone` holds the number
 * masked with its last four digits (the SMS log searches by the ending), `text` the text with its phone
 * numbers masked; `phone_sealed` and `text_sealed` hold them whole (AES-256-GCM, bound to the tenant, the
 * row and the column) and `phone_lookup` a keyed fingerprint of the E.164 number for a whole-number search.
 * The send job and the notes open them.
 */
const context = (tenantId: string, smsId: string, column: "phone" | "text") =>
  `tenant:${tenantId}:sms_messages.${column}:${smsId}`;

type SealedColumns = Pick<
  SmsMessageRow,
  "phone" | "phoneSealed" | "phoneLookup" | "text" | "textSealed" | "sealKeyId"
>;

export const smsPhoneLookup = (tenantId: string, phone: string, keyring: Keyring = appKeyring()) =>
  secretFingerprint("sms_messages.phone", `${tenantId}:${phone}`, keyring);

/** The columns to store for an SMS to `phone` with `text`; `id` is the row's id, made before the insert. */
export function sealSms(
  sms: { tenantId: string; id: string },
  { phone, text }: { phone: string; text: string },
  keyring: Keyring = appKeyring(),
): SealedColumns {
  const sealedPhone = seal(keyring, phone, context(sms.tenantId, sms.id, "phone"));
  const sealedText = seal(keyring, text, context(sms.tenantId, sms.id, "text"));
  return {
    phone: maskPhone(phone),
    phoneSealed: sealedPhone.ciphertext,
    phoneLookup: smsPhoneLookup(sms.tenantId, phone, keyring),
    text: hidePhonesIn(text),
    textSealed: sealedText.ciphertext,
    sealKeyId: sealedPhone.keyId,
  };
}

type Openable = Pick<SmsMessageRow, "tenantId" | "id"> & Partial<SealedColumns>;

/** The whole number (rows from before sealing hold it in `phone`). */
export function openSmsPhone(row: Openable & { phone: string }, keyring: Keyring = appKeyring()): string {
  if (row.phoneSealed && row.sealKeyId)
    return open(
      keyring,
      { ciphertext: row.phoneSealed, keyId: row.sealKeyId },
      context(row.tenantId, row.id, "phone"),
    );
  return row.phone;
}

/** The text as sent (rows from before sealing hold it in `text`). */
export function openSmsText(row: Openable & { text: string }, keyring: Keyring = appKeyring()): string {
  if (row.textSealed && row.sealKeyId)
    return open(
      keyring,
      { ciphertext: row.textSealed, keyId: row.sealKeyId },
      context(row.tenantId, row.id, "text"),
    );
  return row.text;
}

/** The row with its number and text opened, for the code that sends or notes the SMS. */
export const withOpenSms = <R extends SmsMessageRow>(row: R, keyring: Keyring = appKeyring()): R => ({
  ...row,
  phone: openSmsPhone(row, keyring),
  text: openSmsText(row, keyring),
});

/**
 * A searched whole number as E.164 (Russian spellings 8XXXXXXXXXX and a bare ten-digit national number are
 * +7), or null for fewer than ten digits.
 */
export function searchedPhone(digits: string): string | null {
  if (digits.length < 10 || digits.length > 15) return null;
  if (digits.length === 11 && digits.startsWith("8")) return `+7${digits.slice(1)}`;
  if (digits.length === 10) return `+7${digits}`;
  return `+${digits}`;
}
