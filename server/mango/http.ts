import type { z } from "zod";
import { isSuccessCode } from "./codes";
import {
  MangoError,
  MangoLockedOutError,
  MangoProtocolError,
  MangoRateLimitError,
  MangoUnavailableError,
  mangoErrorFrom,
} from "./errors";
import { type MangoRateLimiter, mangoLimitsFor } from "./limits";
import { sign } from "./sign";

/**
 * The signed form POST every MANGO method uses, with the retry policy:
 * - reads (`idempotent: true`) are repeated on network failures, 5xx, 429 and MANGO's refusal codes;
 * - commands that act in the world (call, SMS, task) are repeated only when MANGO certainly did not act:
 *   the connection never opened (refused, DNS, TLS, connect timeout), or MANGO answered that it refused the
 *   request (429, 503, 5001/5002/5008). MANGO does not deduplicate `command_id` [mango-api.md §2], so a
 *   timeout or a 500 after sending is surfaced as `outcomeUnknown` instead of being repeated blindly.
 * - never repeated here: 3xxx (bad key/sign/params — repeats lead to the 2-minute lock-out) and the
 *   lock-out itself (401: a 2-minute wait belongs to the job scheduler, not to an HTTP call), nor anything
 *   whose Retry-After exceeds 30 s.
 */

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type TransportOptions = {
  baseUrl: string;
  apiKey: string;
  salt: string;
  /** The КЦ API base (auto-callback tasks); default: baseUrl with its trailing /vpbx replaced by /cc. */
  ccBaseUrl?: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** Repeats after the first attempt (default 3). */
  maxRetries?: number;
  timeoutMs?: number;
  /** 0..1, injectable so tests get deterministic back-off. */
  random?: () => number;
  /** Paces requests to the product's limits (`limits.ts`) before every attempt; none when absent. */
  rateLimiter?: MangoRateLimiter;
};

export type CallOptions<S extends z.ZodType> = {
  schema: S;
  idempotent: boolean;
  base?: "vpbx" | "cc";
};

const DEFAULT_TIMEOUT_MS = 15_000;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;
/** A longer wait (a far Retry-After) is the job scheduler's business: the error is thrown instead. */
const MAX_IN_CALL_WAIT_MS = 30_000;
/** config/users/request allows 1 request per 2 s [§4]: a rate-limited retry waits at least that. */
const RATE_LIMIT_MIN_DELAY_MS = 2_000;

/** Failures that happen before a single byte of the request left: MANGO cannot have acted. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function wasNeverSent(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function createTransport(opts: TransportOptions) {
  const fetchImpl: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRetries = opts.maxRetries ?? 3;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const random = opts.random ?? Math.random;
  const vpbxBase = opts.baseUrl.replace(/\/+$/, "");
  const ccBase = (opts.ccBaseUrl ?? vpbxBase.replace(/\/vpbx$/, "/cc")).replace(/\/+$/, "");

  function delayFor(attempt: number, err: MangoError): number {
    if (err.retryAfterMs !== undefined) return err.retryAfterMs;
    // Exponential with "equal jitter": never near zero (a zero wait would hit the same limit again).
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    const delay = ceiling / 2 + random() * (ceiling / 2);
    return err instanceof MangoRateLimitError ? Math.max(RATE_LIMIT_MIN_DELAY_MS, delay) : delay;
  }

  /** One attempt: a parsed JSON body, the Location of a redirect, or a typed error. */
  async function attempt(
    url: string,
    method: string,
    body: string,
    idempotent: boolean,
  ): Promise<{ status: number; json: unknown; location: string | null } | MangoError> {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const notSent = wasNeverSent(cause);
      return new MangoUnavailableError({
        method,
        cause,
        retrySafe: idempotent || notSent,
        outcomeUnknown: !idempotent && !notSent,
        detail: cause instanceof Error ? cause.message : String(cause),
      });
    }
    const text = await res.text().catch(() => "");
    let json: unknown = null;
    if (text.trim() !== "") {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    const envelope = (json && typeof json === "object" ? json : {}) as { result?: unknown; code?: unknown };
    const rawCode = envelope.result ?? envelope.code;
    const code = rawCode === undefined || rawCode === null || rawCode === "" ? null : Number(rawCode);
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) return { status: res.status, json, location };
    const success = res.status >= 200 && res.status < 300 && (code === null || isSuccessCode(code));
    if (success) return { status: res.status, json, location: null };
    const retryAfter = Number(res.headers.get("retry-after"));
    return mangoErrorFrom({
      method,
      code: code !== null && Number.isFinite(code) ? code : null,
      httpStatus: res.status,
      idempotent,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    });
  }

  async function send(method: string, payload: unknown, idempotent: boolean, base: "vpbx" | "cc") {
    // Serialise once and sign exactly these bytes [§6.1].
    const json = JSON.stringify(payload ?? {});
    const body = new URLSearchParams({
      vpbx_api_key: opts.apiKey,
      sign: sign(opts.apiKey, json, opts.salt),
      json,
    }).toString();
    const url = `${base === "cc" ? ccBase : vpbxBase}/${method}`;
    const limits = mangoLimitsFor(method, base);
    for (let n = 0; ; n += 1) {
      await opts.rateLimiter?.take(limits);
      const outcome = await attempt(url, method, body, idempotent);
      if (!(outcome instanceof MangoError)) return outcome;
      const delay = delayFor(n, outcome);
      const waitable = !(outcome instanceof MangoLockedOutError) && delay <= MAX_IN_CALL_WAIT_MS;
      if (!outcome.retrySafe || !waitable || n >= maxRetries) throw outcome;
      await sleep(delay);
    }
  }

  return {
    /** POST a method and validate its JSON answer. */
    async call<S extends z.ZodType>(
      method: string,
      payload: unknown,
      o: CallOptions<S>,
    ): Promise<z.infer<S>> {
      const { json } = await send(method, payload, o.idempotent, o.base ?? "vpbx");
      const parsed = o.schema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new MangoProtocolError({ method, detail: issues.slice(0, 5).join("; ") });
      }
      return parsed.data;
    },
    /** POST a method that answers with a redirect (recordings); returns the Location. */
    async redirect(method: string, payload: unknown): Promise<string> {
      const out = await send(method, payload, true, "vpbx");
      if (!out.location)
        throw new MangoProtocolError({ method, httpStatus: out.status, detail: "no redirect" });
      return out.location;
    },
    vpbxBase,
  };
}

export type MangoTransport = ReturnType<typeof createTransport>;
