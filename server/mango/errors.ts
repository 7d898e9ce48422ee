import { describeResultCode } from "./codes";

/**
 * Typed MANGO failures. Every error says two things a job needs:
 * - `retrySafe`: repeating the same request cannot do harm and might succeed (MANGO refused it before doing
 *   anything, or the method only reads). A command whose fate is unknown is never retry-safe: MANGO does not
 *   deduplicate `command_id`, so a blind repeat may place a second call or send a second SMS.
 * - `outcomeUnknown`: the request may have been executed (timeout or 5xx after sending a command); the
 *   caller should wait for `result/<command>` carrying its `command_id` instead of repeating.
 * `humanMessage` is the Russian text onboarding and the journal show; `message` is for logs (no secrets).
 */

export type MangoErrorKind =
  | "auth"
  | "signature"
  | "locked"
  | "rate_limit"
  | "invalid"
  | "not_found"
  | "billing"
  | "rejected"
  | "campaign"
  | "server"
  | "unavailable"
  | "protocol";

export type MangoErrorInit = {
  method: string;
  code?: number | null;
  httpStatus?: number | null;
  retrySafe?: boolean;
  outcomeUnknown?: boolean;
  retryAfterMs?: number;
  detail?: string;
  cause?: unknown;
};

/** MANGO's lock-out after bad requests: "1 неверный запрос в 2 минуты", then HTTP 401 for 2 minutes [§4]. */
export const LOCKOUT_MS = 120_000;

export const UNAVAILABLE_MESSAGE = "API MANGO OFFICE недоступен";

export abstract class MangoError extends Error {
  abstract readonly kind: MangoErrorKind;
  readonly method: string;
  readonly code: number | null;
  readonly httpStatus: number | null;
  readonly retrySafe: boolean;
  readonly outcomeUnknown: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: MangoErrorInit, defaults: { retrySafe: boolean }) {
    const code = init.code ?? null;
    const http = init.httpStatus ?? null;
    const parts = [
      code !== null ? `result ${code}` : null,
      http !== null ? `HTTP ${http}` : null,
      init.detail ?? null,
    ].filter(Boolean);
    super(`MANGO ${init.method}: ${parts.join(", ") || "failed"}`, { cause: init.cause });
    this.method = init.method;
    this.code = code;
    this.httpStatus = http;
    this.retrySafe = init.retrySafe ?? defaults.retrySafe;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** What a person reads (Russian). */
  get humanMessage(): string {
    return this.code !== null ? describeResultCode(this.code) : UNAVAILABLE_MESSAGE;
  }
}

/** 3105: the VPBX key is unknown. Retrying cannot help and counts towards the lock-out. */
export class MangoAuthError extends MangoError {
  override name = "MangoAuthError";
  readonly kind = "auth";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
  override get humanMessage() {
    return "Неверный ключ API";
  }
}

/** 3102: the key is known but the signature does not match — almost always a wrong salt. */
export class MangoSignatureError extends MangoError {
  override name = "MangoSignatureError";
  readonly kind = "signature";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
  override get humanMessage() {
    return "Неверная подпись — проверьте соль";
  }
}

/** HTTP 401: access locked after repeated bad requests; nothing was processed, so a later retry is safe. */
export class MangoLockedOutError extends MangoError {
  override name = "MangoLockedOutError";
  readonly kind = "locked";
  constructor(init: MangoErrorInit) {
    super({ ...init, retryAfterMs: init.retryAfterMs ?? LOCKOUT_MS }, { retrySafe: true });
  }
  override get humanMessage() {
    return "Доступ к API MANGO OFFICE временно заблокирован после неверных запросов — проверьте ключ и соль и повторите через 2 минуты";
  }
}

/** HTTP 429 / 4290 / КЦ 5008: refused by a rate limiter before processing — safe to repeat after a pause. */
export class MangoRateLimitError extends MangoError {
  override name = "MangoRateLimitError";
  readonly kind = "rate_limit";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: true });
  }
  override get humanMessage() {
    return "Превышен лимит запросов к API MANGO OFFICE";
  }
}

/** Other 3xxx: the request itself is wrong (parameters, format, JSON). */
export class MangoInvalidRequestError extends MangoError {
  override name = "MangoInvalidRequestError";
  readonly kind = "invalid";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
}

/** 33xx: the object (call, recording, number, campaign …) does not exist. */
export class MangoNotFoundError extends MangoError {
  override name = "MangoNotFoundError";
  readonly kind = "not_found";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
}

/** 2xxx: billing forbids (blocked account, limits, no money). */
export class MangoBillingError extends MangoError {
  override name = "MangoBillingError";
  readonly kind = "billing";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
}

/** 4xxx: valid request that MANGO cannot perform now (call ended, command unsupported, SMS not sent …). */
export class MangoRejectedError extends MangoError {
  override name = "MangoRejectedError";
  readonly kind = "rejected";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
}

/** 51xx: campaign/task rules of the Contact Center (5106 completed campaign, 5109 duplicate number …). */
export class MangoCampaignError extends MangoError {
  override name = "MangoCampaignError";
  readonly kind = "campaign";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
}

/** 5xxx / HTTP 5xx: MANGO failed. Safe to repeat only for reads or when MANGO said it refused the request. */
export class MangoServerError extends MangoError {
  override name = "MangoServerError";
  readonly kind = "server";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
  override get humanMessage() {
    return UNAVAILABLE_MESSAGE;
  }
}

/** No answer: connection refused, DNS, TLS, timeout. */
export class MangoUnavailableError extends MangoError {
  override name = "MangoUnavailableError";
  readonly kind = "unavailable";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
  override get humanMessage() {
    return UNAVAILABLE_MESSAGE;
  }
}

/** MANGO answered something our schemas do not accept: a contract change, not a transient failure. */
export class MangoProtocolError extends MangoError {
  override name = "MangoProtocolError";
  readonly kind = "protocol";
  constructor(init: MangoErrorInit) {
    super(init, { retrySafe: false });
  }
  override get humanMessage() {
    return "API MANGO OFFICE вернул неожиданный ответ";
  }
}

/**
 * Result codes that mean "refused before doing anything": overload (5001), restart (5002), service
 * unavailable (5008 — also the КЦ API's rate-limit answer). Repeating these cannot duplicate a command.
 */
const REFUSAL_CODES = new Set([4290, 5001, 5002, 5008]);

/**
 * Maps a MANGO answer (result/code in the body and/or the HTTP status) to a typed error.
 * `idempotent` says whether the method only reads: then any server-side failure is safe to repeat.
 */
export function mangoErrorFrom(input: {
  method: string;
  code: number | null;
  httpStatus: number;
  idempotent: boolean;
  retryAfterMs?: number;
}): MangoError {
  const { method, code, httpStatus, idempotent, retryAfterMs } = input;
  const init: MangoErrorInit = { method, code, httpStatus, retryAfterMs };
  if (httpStatus === 401) return new MangoLockedOutError(init);
  if (httpStatus === 429 || code === 4290) return new MangoRateLimitError(init);
  if (code !== null && code !== 0) {
    if (code === 3105) return new MangoAuthError(init);
    if (code === 3102) return new MangoSignatureError(init);
    if (code >= 3300 && code < 3400) return new MangoNotFoundError(init);
    if (code >= 3000 && code < 4000) return new MangoInvalidRequestError(init);
    if (code >= 2000 && code < 3000) return new MangoBillingError(init);
    if (code >= 4000 && code < 5000) return new MangoRejectedError(init);
    if (code >= 5100 && code < 5400) return new MangoCampaignError(init);
    if (code >= 5000) {
      const refused = REFUSAL_CODES.has(code);
      return new MangoServerError({
        ...init,
        retrySafe: idempotent || refused,
        outcomeUnknown: !idempotent && !refused,
      });
    }
  }
  // No usable code: judge by the HTTP status. 503 is MANGO's documented overload answer [§4], a refusal.
  if (httpStatus >= 500) {
    const refused = httpStatus === 503;
    return new MangoServerError({
      ...init,
      retrySafe: idempotent || refused,
      outcomeUnknown: !refused && !idempotent,
    });
  }
  if (httpStatus === 404) return new MangoNotFoundError(init);
  return new MangoProtocolError({ ...init, detail: "unexpected answer" });
}
