import { createHash, timingSafeEqual } from "node:crypto";

/**
 * MANGO signs every request in both directions with a plain SHA-256 (not an HMAC) over the concatenation
 * key + json + salt, lowercase hex [mango-api.md §1.2]. The `json` must be the exact string that travels in
 * the form field: sign what you send, verify what you received — never a re-serialisation.
 */
export function sign(apiKey: string, json: string, salt: string): string {
  return createHash("sha256")
    .update(apiKey + json + salt, "utf8")
    .digest("hex");
}

/** Equal-length buffers for timingSafeEqual; a length mismatch is itself not secret (hex digests are 64). */
function constantTimeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ba.length !== bb.length) {
    // Still burn a comparison so a wrong length costs about the same as a wrong value.
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

export type SignedForm = { vpbx_api_key: string; sign: string; json: string };

/**
 * Webhook intake: a MANGO event is ours when it names our key and its signature matches our key + salt over
 * the raw `json` field. Both checks run in constant time; neither short-circuits the other.
 */
export function verifyEventSignature(apiKey: string, salt: string, form: SignedForm): boolean {
  const keyOk = constantTimeEqual(form.vpbx_api_key, apiKey);
  const signOk = constantTimeEqual(form.sign.toLowerCase(), sign(apiKey, form.json, salt));
  return keyOk && signOk;
}

/**
 * The GET recording link has its own formula: sha256(key + timestamp + recording_id + salt), where the
 * timestamp is the link's expiry [mango-api.md §2.12, SPEC §3.5.2].
 */
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

/**
 * Reads the three form fields of a MANGO webhook body (application/x-www-form-urlencoded). Returns null when
 * a field is missing, so intake can answer 401/400 without guessing.
 */
export function decodeSignedForm(raw: string): SignedForm | null {
  const params = new URLSearchParams(raw);
  const vpbxApiKey = params.get("vpbx_api_key");
  const signature = params.get("sign");
  // One public client reads `data` when `json` is absent (LK "Проверить подключение"); accept both.
  const json = params.get("json") ?? params.get("data");
  if (vpbxApiKey === null || signature === null || json === null) return null;
  return { vpbx_api_key: vpbxApiKey, sign: signature, json };
}
