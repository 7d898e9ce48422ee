// amoCRM allows "not more than 7 requests per second" and answers more with 429, then blocks the account
// (403 on everything) after repeated excess (reference §0, §5.2). Waiting on our side is cheaper than a 429.
//
// A token bucket of `requestsPerSecond` tokens where each spent token comes back one window (plus a margin)
// after it was spent. Why not the textbook bucket (continuous refill of 7/s)? It lets a full burst of 7 go
// at the start of a second and refills 6 more within that same second: 13 requests in one clock second,
// which a per-second counter (amoCRM's, and the emulator's) answers with 429. With per-token return, any
// window of 1 s sees at most 7 requests, whatever the alignment; the margin absorbs network jitter.

export type RateLimiter = {
  /** Resolves when the caller may send one request. Callers are served in the order they called. */
  take(): Promise<void>;
  readonly requestsPerSecond: number;
};

export type RateLimiterOptions = {
  /** Default 7 (reference §0). */
  requestsPerSecond?: number;
  /** Extra spacing added to each window so jitter between us and amoCRM cannot squeeze 8 into a second. */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export const DEFAULT_REQUESTS_PER_SECOND = 7;
export const WINDOW_MS = 1000;
/** Extra spacing added to each window by default (see `marginMs`). */
export const DEFAULT_MARGIN_MS = 50;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRateLimiter(opts: RateLimiterOptions = {}): RateLimiter {
  const capacity = opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new Error("requestsPerSecond must be a positive integer");
  const windowMs = WINDOW_MS + (opts.marginMs ?? DEFAULT_MARGIN_MS);
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  // Times at which the last `capacity` tokens were (or will be) spent, ascending. Reserving synchronously
  // means concurrent callers need no lock: each gets its own slot before anyone awaits.
  const spent: number[] = [];

  return {
    requestsPerSecond: capacity,
    async take() {
      const t = now();
      const oldest = spent.length >= capacity ? spent[spent.length - capacity] : undefined;
      const slot = oldest === undefined ? t : Math.max(t, oldest + windowMs);
      spent.push(slot);
      if (spent.length > capacity) spent.splice(0, spent.length - capacity);
      if (slot > t) await sleep(slot - t);
    },
  };
}

// On globalThis, not in this module: Next.js may load this module more than once in one process (the job
// poller started by instrumentation.ts and the route handlers are separate bundles), and each copy would
// otherwise hold its own bucket — together exceeding the account's 7 per second.
const REGISTRY = Symbol.for("amango.amocrm.rateLimiters");
const shared = globalThis as { [REGISTRY]?: Map<string, RateLimiter> };
if (!shared[REGISTRY]) shared[REGISTRY] = new Map<string, RateLimiter>();
const registry: Map<string, RateLimiter> = shared[REGISTRY];

/** One account's identity for rate limiting: its normalized base URL. */
export function accountLimitKey(baseUrl: string): string {
  const u = new URL(baseUrl);
  // The emulator hosts accounts under /a/<sub>, so the path is part of the account's identity.
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`.toLowerCase();
}

/**
 * The process-wide limiter of one account: every caller (jobs, webhooks, onboarding) talking to the same
 * account must share it, or two of them together exceed the limit. Options apply on first use only.
 * It is per process: the app hands its clients the account's budget kept in PostgreSQL instead
 * (server/ratebudget/), which every instance shares; this one stays the client's default and the tests'.
 */
export function sharedRateLimiter(baseUrl: string, opts?: RateLimiterOptions): RateLimiter {
  const key = accountLimitKey(baseUrl);
  let limiter = registry.get(key);
  if (!limiter) {
    limiter = createRateLimiter(opts);
    registry.set(key, limiter);
  }
  return limiter;
}

/** Tests only: forget every shared limiter. */
export function resetSharedRateLimiters(): void {
  registry.clear();
}
