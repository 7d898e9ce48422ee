// The reference a recording link in amoCRM carries: which tenant's recording it is, signed by us so it cannot
// be made up or pointed at another tenant. MANGO's own links carry the PBX's API key; ours carry nothing secret.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Keyring } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";

export type RecordingRef = { tenantId: string; recordingId: string };

/** Longer than any token we make (a MANGO recording id is ~20–60 characters): refused before any work. */
export const MAX_TOKEN_LENGTH = 600;

const refSchema = z.tuple([z.uuid(), z.string().min(1).max(300)]);

/**
 * HMAC-SHA256 with a key derived (HKDF) from one of the encryption keys for this purpose only. The token names
 * its key id, so links written into amoCRM keep working after ENCRYPTION_KEY is rotated for as long as the old
 * key stays in ENCRYPTION_OLD_KEYS.
 */
function mac(master: Buffer, keyId: string, body: string): Buffer {
  const key = Buffer.from(hkdfSync("sha256", master, "amango-recording-link", "v1", 32));
  return createHmac("sha256", key).update(`${keyId}.${body}`).digest();
}

/** `<key id>.<base64url JSON [tenant, recording]>.<base64url HMAC>`: URL-safe as it is. */
export function recordingToken(ref: RecordingRef, keyring: Keyring = appKeyring()): string {
  const keyId = keyring.currentKeyId;
  const body = Buffer.from(JSON.stringify([ref.tenantId, ref.recordingId])).toString("base64url");
  return `${keyId}.${body}.${mac(keyring.keys.get(keyId)!, keyId, body).toString("base64url")}`;
}

/** The reference a token names, or null when it is malformed, forged, altered or signed by an unknown key. */
export function verifyRecordingToken(token: string, keyring: Keyring = appKeyring()): RecordingRef | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [keyId, body, sig] = parts as [string, string, string];
  const master = keyring.keys.get(keyId);
  if (!master || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return null;
  const expected = mac(master, keyId, body);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = refSchema.safeParse(decoded);
  return parsed.success ? { tenantId: parsed.data[0], recordingId: parsed.data[1] } : null;
}
