import { createHash, timingSafeEqual } from "node:crypto";

/**
 * MANGO signature: lowercase hex SHA-256 over the plain concatenation key + json + salt (NOT an HMAC),
 * computed over the exact `json` string that travels in the form — never a re-serialisation.
 * Used both to verify incoming API requests and to sign the events we POST (MANGO signs both directions).
 */
export function mangoSign(apiKey: string, json: string, salt: string): string {
  return createHash("sha256")
    .update(apiKey + json + salt, "utf8")
    .digest("hex");
}

/** Constant-time comparison so the emulator does not teach clients to rely on timing. */
export function verifyMangoSign(apiKey: string, json: string, salt: string, sign: string): boolean {
  const expected = Buffer.from(mangoSign(apiKey, json, salt), "utf8");
  const given = Buffer.from(sign.toLowerCase(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Recording GET link: a different formula, sha256(key + timestamp + recording_id + salt) [SPEC §3.5.2]. */
export function recordingLinkSign(
  apiKey: string,
  timestamp: string,
  recordingId: string,
  salt: string,
): string {
  return createHash("sha256")
    .update(apiKey + timestamp + recordingId + salt, "utf8")
    .digest("hex");
}
