import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export type Keyring = { currentKeyId: string; keys: ReadonlyMap<string, Buffer> };
export type Sealed = { ciphertext: string; keyId: string };

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

function decodeKey(id: string, base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new SecretKeyError(`encryption key "${id}" must be 32 bytes (base64)`);
  return key;
}

/** Current key plus older ones ("id:base64,…") that can still open what they sealed, so keys can rotate. */
export function buildKeyring(currentKeyId: string, currentKey: string, oldKeys?: string): Keyring {
  const keys = new Map<string, Buffer>([[currentKeyId, decodeKey(currentKeyId, currentKey)]]);
  for (const entry of (oldKeys ?? "").split(",").filter(Boolean)) {
    const sep = entry.indexOf(":");
    if (sep < 1) throw new SecretKeyError("ENCRYPTION_OLD_KEYS entries look like id:base64");
    const id = entry.slice(0, sep).trim();
    if (!keys.has(id)) keys.set(id, decodeKey(id, entry.slice(sep + 1).trim()));
  }
  return { currentKeyId, keys };
}

/**
 * AES-256-GCM with a fresh IV per value. `context` (e.g. "tenant:<id>:mango.api_key") is bound as
 * additional data, so a sealed value copied to another row or tenant fails to open.
 */
export function seal(keyring: Keyring, plaintext: string, context: string): Sealed {
  const key = keyring.keys.get(keyring.currentKeyId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64"),
    keyId: keyring.currentKeyId,
  };
}

export function open(keyring: Keyring, sealed: Sealed, context: string): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) throw new SecretKeyError(`no encryption key "${sealed.keyId}" to open this secret`);
  const raw = Buffer.from(sealed.ciphertext, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    "utf8",
  );
}

/** Whether a value was sealed with an older key and should be re-sealed. */
export const needsRotation = (keyring: Keyring, sealed: Sealed) => sealed.keyId !== keyring.currentKeyId;
