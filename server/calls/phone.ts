import type { CallRow } from "@/db/schema";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { maskPhone } from "@/server/log/mask";
import { secretFingerprint } from "@/server/secrets/fingerprint";

/**
 * A call's client number at rest: `client_phone` holds it masked (lists, journal), `client_phone_sealed`
 * whole (AES-256-GCM, bound to the tenant and the call), `client_phone_lookup` a keyed fingerprint for
 * "our previous call with this number". Code that dials, searches amoCRM or logs the call opens it.
 */
const context = (tenantId: string, callId: string) => `tenant:${tenantId}:calls.client_phone:${callId}`;

type PhoneColumns = Pick<
  CallRow,
  "clientPhone" | "clientPhoneSealed" | "clientPhoneKeyId" | "clientPhoneLookup"
>;

/**
 * The fingerprint `lastCallWith` looks a number up by: per tenant, useless without the server's key. It is
 * made with the current key, so after rotating ENCRYPTION_KEY older calls are no longer found by number
 * (their sealed number still opens with the retired key in ENCRYPTION_OLD_KEYS).
 */
export const callPhoneLookup = (tenantId: string, phone: string, keyring: Keyring = appKeyring()) =>
  secretFingerprint("calls.client_phone", `${tenantId}:${phone}`, keyring);

export function sealCallPhone(
  call: { tenantId: string; id: string },
  phone: string | null,
  keyring: Keyring = appKeyring(),
): PhoneColumns {
  if (!phone)
    return { clientPhone: null, clientPhoneSealed: null, clientPhoneKeyId: null, clientPhoneLookup: null };
  const sealed = seal(keyring, phone, context(call.tenantId, call.id));
  return {
    clientPhone: maskPhone(phone),
    clientPhoneSealed: sealed.ciphertext,
    clientPhoneKeyId: sealed.keyId,
    clientPhoneLookup: callPhoneLookup(call.tenantId, phone, keyring),
  };
}

/** The whole number (rows from before sealing hold it in `client_phone`). */
export function openCallPhone(
  row: Pick<CallRow, "tenantId" | "id"> & PhoneColumns,
  keyring: Keyring = appKeyring(),
): string | null {
  if (row.clientPhoneSealed && row.clientPhoneKeyId)
    return open(
      keyring,
      { ciphertext: row.clientPhoneSealed, keyId: row.clientPhoneKeyId },
      context(row.tenantId, row.id),
    );
  return row.clientPhone;
}

/** The row with its number opened, for the code that works with the number itself. */
export const withOpenPhone = <R extends CallRow>(row: R, keyring: Keyring = appKeyring()): R => ({
  ...row,
  clientPhone: openCallPhone(row, keyring),
});
