// Typed failures of the amoCRM layer. Callers (jobs, onboarding) branch on `kind` and `retryable`, never on
// message text: a job throws NonRetriableError for what retrying cannot fix (401 after refresh, 402, 4xx).
import { z } from "zod";

/** One entry of `validation-errors` (reference §5.1, sample validation-error-400.json). */
export type AmocrmValidationError = {
  requestId: string | null;
  errors: { code: string; path: string; detail: string }[];
};

export type AmocrmApiErrorKind =
  | "unauthorized" // 401: token revoked/expired even after one refresh
  | "payment_required" // 402: the account's subscription ended
  | "forbidden" // 403: no rights, IP not allowed, or the account blocked for exceeding the rate
  | "not_found" // 404: unknown route
  | "rate_limited" // 429 (retries exhausted or Retry-After longer than we are willing to wait)
  | "validation" // 400 with validation-errors
  | "bad_request" // other 4xx
  | "server"; // 5xx (retries exhausted)

export class AmocrmError extends Error {
  override name = "AmocrmError";
  /** True when the same request may succeed later (a job should retry rather than fail for good). */
  readonly retryable: boolean = false;
}

export class AmocrmApiError extends AmocrmError {
  override name = "AmocrmApiError";
  override readonly retryable: boolean;
  readonly kind: AmocrmApiErrorKind;

  constructor(
    readonly status: number,
    readonly method: string,
    /** Path only: never the query, which may carry a phone number. */
    readonly path: string,
    readonly problem: {
      title: string | null;
      detail: string | null;
      type: string | null;
      validationErrors: AmocrmValidationError[];
      /** From the `Retry-After` header or the body's `retry_after` (Kommo), in ms. */
      retryAfterMs: number | null;
    },
  ) {
    super(
      `amoCRM ${method} ${path} → ${status}${problem.title ? ` ${problem.title}` : ""}` +
        (problem.detail ? `: ${problem.detail}` : ""),
    );
    this.kind = kindOf(status, problem.validationErrors.length > 0);
    this.retryable = status === 429 || status >= 500;
  }

  get title() {
    return this.problem.title;
  }
  get detail() {
    return this.problem.detail;
  }
  get validationErrors() {
    return this.problem.validationErrors;
  }
  get retryAfterMs() {
    return this.problem.retryAfterMs;
  }
}

function kindOf(status: number, hasValidation: boolean): AmocrmApiErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 402) return "payment_required";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return hasValidation ? "validation" : "bad_request";
}

/** The connection failed or timed out after all retries; nothing is known about the request's effect. */
export class AmocrmNetworkError extends AmocrmError {
  override name = "AmocrmNetworkError";
  override readonly retryable = true;
  constructor(
    readonly method: string,
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(
      `amoCRM ${method} ${path}: network error (${cause instanceof Error ? cause.message : String(cause)})`,
    );
  }
}

/** A 2xx answer whose body is not what the reference documents: a contract change, never retried. */
export class AmocrmResponseError extends AmocrmError {
  override name = "AmocrmResponseError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly issues: string,
  ) {
    super(`amoCRM ${method} ${path}: unexpected response (${issues})`);
  }
}

export type AmocrmOAuthErrorKind =
  /** The code or refresh token is dead (expired, used, revoked): the tenant must reconnect. */
  | "invalid_grant"
  /** client_id / client_secret / redirect_uri rejected: our configuration is wrong. */
  | "invalid_client"
  /** Anything else: 5xx, network, an unexpected body. */
  | "other";

export class AmocrmOAuthError extends AmocrmError {
  override name = "AmocrmOAuthError";
  override readonly retryable: boolean;
  constructor(
    readonly kind: AmocrmOAuthErrorKind,
    readonly status: number,
    /** amoCRM's `hint`, e.g. "Invalid refresh token" (reference §2.12). */
    readonly hint: string | null,
    message: string,
  ) {
    super(message);
    this.retryable = kind === "other" && (status === 0 || status === 429 || status >= 500);
  }
}

const problemSchema = z.object({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  type: z.string().nullish(),
  hint: z.string().nullish(),
  retry_after: z.coerce.number().nullish(),
  "validation-errors": z
    .array(
      z.object({
        request_id: z.union([z.string(), z.number()]).nullish(),
        errors: z
          .array(
            z.object({
              code: z.string().catch(""),
              path: z.string().catch(""),
              detail: z.string().catch(""),
            }),
          )
          .catch([]),
      }),
    )
    .nullish(),
});

export type ParsedProblem = {
  title: string | null;
  detail: string | null;
  type: string | null;
  hint: string | null;
  retryAfterSec: number | null;
  validationErrors: AmocrmValidationError[];
};

/** Reads a problem+json body leniently: the 429 body may not even be JSON (PHP SDK, reference §5). */
export function parseProblem(text: string): ParsedProblem {
  let raw: unknown = {};
  let notJson = false;
  try {
    raw = text ? JSON.parse(text) : {};
  } catch {
    notJson = true;
  }
  const p = problemSchema.safeParse(raw);
  const d = p.success ? p.data : {};
  return {
    title: d.title ?? null,
    // A non-JSON body (an HTML error page of a proxy) is kept short: enough to diagnose, not a dump.
    detail: d.detail ?? (notJson ? text.slice(0, 200) : null),
    type: d.type ?? null,
    hint: d.hint ?? null,
    retryAfterSec: d.retry_after ?? null,
    validationErrors: (d["validation-errors"] ?? []).map((v) => ({
      requestId: v.request_id == null ? null : String(v.request_id),
      errors: v.errors,
    })),
  };
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
