import { createHmac, hkdfSync } from "node:crypto";
import type { Keyring } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";

export type FingerprintPurpose =
  | "mango.api_key"
  | "calls.client_phone"
  | "sms_messages.phone"
  | "callback_queue.phone";

/**
 * A keyed fingerprint of a secret, to recognise the same value in another row without storing it: HMAC-SHA256
 * with a key derived (HKDF) from the current encryption key for this purpose only. Neither the value nor a
 * plain hash is stored, so the column cannot be checked against guesses without the server's key.
 * Rotating ENCRYPTION_KEY changes the fingerprints: the rows keep theirs until the key is connected again.
 */
export function secretFingerprint(
  purpose: FingerprintPurpose,
  value: string,
  keyring: Keyring = appKeyring(),
): string {
  const master = keyring.keys.get(keyring.currentKeyId)!;
  const key = Buffer.from(hkdfSync("sha256", master, "amango-fingerprint", purpose, 32));
  return createHmac("sha256", key).update(normalize(value)).digest("base64url");
}

/** Spaces around a pasted key are not part of it, and two spellings differing in case name one PBX. */
const normalize = (value: string) => value.trim().toLowerCase();
