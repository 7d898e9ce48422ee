// MANGO's request limits "по продукту" (per VPBX product) [mango-api.md §4, SPEC §1.4.2–1.4.3]: every
// request counts against its API's general limit, and some methods have a tighter one of their own.
// Requests over a limit are answered 429 (VPBX) or 5008 (КЦ) and, repeated, lead nowhere good, so the
// transport waits for a slot of each limit before it sends (the limiter is handed in: this client knows no
// database; the app keeps the budgets in PostgreSQL, server/ratebudget/).

export type MangoLimit = {
  /** The budget's name within one product: `vpbx`, `vpbx:commands/callback`, `cc`, `cc:task/add`. */
  name: string;
  /** Requests allowed per window. */
  capacity: number;
  windowMs: number;
};

/**
 * What the transport needs of a limiter: resolves when one request may go under every one of `limits`.
 * All of a request's limits are reserved together, with one slot: waiting for them one after the other
 * could send a request long after an earlier slot, next to requests that came later.
 */
export type MangoRateLimiter = { take(limits: readonly MangoLimit[]): Promise<void> };

const VPBX_GENERAL: MangoLimit = { name: "vpbx", capacity: 10, windowMs: 1000 };
const CC_GENERAL: MangoLimit = { name: "cc", capacity: 10, windowMs: 1000 };

/** Method limits tighter than the general 10/s (address-book and recording limits are not). */
const VPBX_METHOD_LIMITS: Record<string, Omit<MangoLimit, "name">> = {
  "commands/callback": { capacity: 4, windowMs: 1000 },
  "commands/call/hangup": { capacity: 4, windowMs: 1000 },
  "commands/recording/start": { capacity: 4, windowMs: 1000 },
  "config/users/request": { capacity: 1, windowMs: 2000 },
  "account/balance": { capacity: 2, windowMs: 1000 },
  "commands/transfer": { capacity: 1, windowMs: 2000 },
  "stats/request": { capacity: 1, windowMs: 2000 },
  "commands/route": { capacity: 1, windowMs: 2000 },
};
const CC_METHOD_LIMITS: Record<string, Omit<MangoLimit, "name">> = {
  "task/add": { capacity: 5, windowMs: 1000 },
};

/**
 * The Contact Center methods that live under /vpbx/ (campaigns, their tasks, a call's topics and the topic
 * tree, mango-cc-and-widget.md §1.0): part of "КЦ API, all requests 10 req/s" as well as the VPBX limit.
 */
const VPBX_CC_METHOD = /^(campaign|campaign-report|task|tasks|v2\/campaign|cc)\//;

/** The limits one request draws on: its method's own (if any) and its API's general one(s). */
export function mangoLimitsFor(method: string, base: "vpbx" | "cc"): MangoLimit[] {
  const name = method.replace(/^\/+|\/+$/g, "");
  const own = (base === "cc" ? CC_METHOD_LIMITS : VPBX_METHOD_LIMITS)[name];
  const general =
    base === "cc"
      ? [CC_GENERAL]
      : VPBX_CC_METHOD.test(`${name}/`)
        ? [CC_GENERAL, VPBX_GENERAL]
        : [VPBX_GENERAL];
  return own ? [{ name: `${base}:${name}`, ...own }, ...general] : general;
}
