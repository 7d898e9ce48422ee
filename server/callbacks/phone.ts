import type { CallbackQueueRow } from "@/db/schema";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import { maskPhone } from "@/server/log/mask";
import { secretFingerprint } from "@/server/secrets/fingerprint";

/**
 * The client's number of a queued auto-callback at rest, like an SMS's (server/sms/phone.ts): `phone`
 * masked for the queue view, `phone_sealed` whole (AES-256-GCM, bound to the tenant and the row) for the
 * dispatcher, and `phone_lookup` a keyed fingerprint for the loop guard ("not called again within …").
 */
const context = (tenantId: string, itemId: string) => `tenant:${tenantId}:callback_queue.phone:${itemId}`;

export const callbackPhoneLookup = (tenantId: string, phone: string, keyring: Keyring = appKeyring()) =>
  secretFingerprint("callback_queue.phone", `${tenantId}:${phone}`, keyring);

type SealedPhone = Pick<CallbackQueueRow, "phone" | "phoneSealed" | "phoneLookup" | "sealKeyId">;

/** The columns for an item calling `phone` (E.164); `itemId` is the row's id, made before the insert. */
export function sealCallbackPhone(
  item: { tenantId: string; id: string },
  phone: string,
  keyring: Keyring = appKeyring(),
): SealedPhone {
  const sealed = seal(keyring, phone, context(item.tenantId, item.id));
  return {
    phone: maskPhone(phone),
    phoneSealed: sealed.ciphertext,
    phoneLookup: callbackPhoneLookup(item.tenantId, phone, keyring),
    sealKeyId: sealed.keyId,
  };
}

/** The whole number (E.164), for the dispatcher's `commands/callback`. */
export function openCallbackPhone(
  row: Pick<CallbackQueueRow, "tenantId" | "id" | "phoneSealed" | "sealKeyId">,
  keyring: Keyring = appKeyring(),
): string {
  return open(keyring, { ciphertext: row.phoneSealed, keyId: row.sealKeyId }, context(row.tenantId, row.id));
}
