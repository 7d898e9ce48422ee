import { maskText } from "@/server/log/mask";

/**
 * What a webhook body may be before it is stored: PostgreSQL's jsonb refuses NUL (`\u0000`) and lone UTF-16
 * surrogates, and `JSON.stringify` throws on a value nested deeper than its stack — a correctly signed event
 * carrying either must still be stored and processed, and a garbage one answered 4xx, never 500.
 */
export const MAX_BODY_DEPTH = 64;

export class BodyShapeError extends Error {}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this must find.
const UNSAFE_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** NUL and lone surrogates become U+FFFD (the replacement character); everything else stays. */
export function jsonbSafeText(text: string): string {
  return text.replace(UNSAFE_CHARS, "\uFFFD");
}

/**
 * A copy of a decoded body that jsonb and `JSON.stringify` accept: strings and keys made safe, nesting
 * bounded (recursion stops at MAX_BODY_DEPTH, so the walk itself cannot exhaust the stack).
 */
export function toJsonbSafe(value: unknown, depth = 0): unknown {
  if (depth > MAX_BODY_DEPTH) throw new BodyShapeError(`вложенность глубже ${MAX_BODY_DEPTH} уровней`);
  if (typeof value === "string") return jsonbSafeText(value);
  if (Array.isArray(value)) return value.map((v) => toJsonbSafe(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[jsonbSafeText(k)] = toJsonbSafe(v, depth + 1);
    return out;
  }
  return value;
}

const SECRET_FIELD = /(secret|salt|token|password|api_?key|sign|signature|authorization|code)$/i;

/**
 * What is kept of a refused body for support: a form's secret fields (MANGO's `vpbx_api_key`, `sign`)
 * censored, phone numbers masked, unsafe characters replaced, at most `max` characters.
 */
export function keptRejectedBody(raw: string, max = 4096): string {
  let text = raw;
  if (/^[\w.[\]%-]+=/.test(raw) && !raw.trimStart().startsWith("{")) {
    const fields = [...new URLSearchParams(raw)];
    text = fields.map(([k, v]) => `${k}=${SECRET_FIELD.test(k) ? "[redacted]" : v}`).join("&");
  }
  text = jsonbSafeText(
    maskText(
      text.replace(/("(?:[\w-]*(?:api_?key|salt|secret|token|sign))"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"'),
    ),
  );
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const SECRET_FORM_VALUE = /\b([\w-]*(?:secret|salt|token|password|api_?key|sign))=[^&\s"',]+/gi;

/**
 * What is kept of a rejection's reason (inbox, journal, log line): a decoder's or validator's message may
 * quote the body (`Unexpected token … "vpbx_api_k"…`), so secret form values and JSON fields are censored
 * and phones masked, as in the body; the sender is still answered the reason in full.
 */
export function keptRejectedReason(reason: string, max = 1000): string {
  const text = jsonbSafeText(
    maskText(
      reason
        .replace(SECRET_FORM_VALUE, "$1=[redacted]")
        .replace(/("(?:[\w-]*(?:api_?key|salt|secret|token|sign))"\s*:\s*)"[^"]*"/gi, '$1"[redacted]"'),
    ),
  );
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The body, read no further than `limit` bytes: null when it is larger (by its Content-Length or as it
 * streams), so a huge body is never held in memory whole.
 */
export async function readBodyWithin(req: Request, limit: number): Promise<string | null> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
