/**
 * Per-account ("по продукту") limits from SPEC §1.4.2 and the bad-request lock-out from §1.4.1.
 * Both run on the emulator clock, so tests can trip and clear them without sleeping.
 */

export interface Limit {
  max: number;
  windowMs: number;
}

/** Any VPBX request: 10 per second per product. */
export const GENERAL_LIMIT: Limit = { max: 10, windowMs: 1000 };

/** Method-specific limits (per product) from the spec table. */
export const METHOD_LIMITS: Record<string, Limit> = {
  "commands/callback": { max: 4, windowMs: 1000 },
  "commands/call/hangup": { max: 4, windowMs: 1000 },
  "commands/recording/start": { max: 4, windowMs: 1000 },
  "queries/recording": { max: 10, windowMs: 1000 },
  "config/users/request": { max: 1, windowMs: 2000 },
  "account/balance": { max: 2, windowMs: 1000 },
  "commands/transfer": { max: 1, windowMs: 2000 },
  "stats/request": { max: 1, windowMs: 2000 },
  "commands/route": { max: 1, windowMs: 2000 },
};

/**
 * КЦ API: 10 req/s, /cc/task/add 5 req/s; over-limit answer is {"result":5008} [SPEC §1.4.3]. "КЦ API" is
 * /cc/* and the КЦ-dependent /vpbx/ methods (campaigns, tasks, /vpbx/cc/call/, /vpbx/cc/tags/): one shared
 * bucket per account.
 */
export const CC_LIMIT: Limit = { max: 10, windowMs: 1000 };
export const CC_TASK_ADD_LIMIT: Limit = { max: 5, windowMs: 1000 };

/** The documented 429 body [SPEC §1.4.2]. */
export const RATE_LIMIT_BODY = {
  name: "Service Unavailable",
  message: "Rate limit exceeded.",
  code: 0,
  status: 429,
};

export function methodLimit(method: string): Limit | undefined {
  if (method.startsWith("queries/recording")) return METHOD_LIMITS["queries/recording"];
  return METHOD_LIMITS[method];
}

export class RateLimiter {
  private hits = new Map<string, number[]>();

  /**
   * Records the hit only if every given limit allows it (a refused request does not eat quota). Returns the
   * name of the first bucket (in the given order) that refuses, or null when the hit was recorded.
   */
  acquire(account: string, buckets: Array<[string, Limit]>, now: number): string | null {
    for (const [name, limit] of buckets) {
      const list = this.recent(`${account}|${name}`, limit, now);
      if (list.length >= limit.max) return name;
    }
    for (const [name] of buckets) {
      const key = `${account}|${name}`;
      const list = this.hits.get(key) ?? [];
      list.push(now);
      this.hits.set(key, list);
    }
    return null;
  }

  reset(): void {
    this.hits.clear();
  }

  private recent(key: string, limit: Limit, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - limit.windowMs && t <= now);
    this.hits.set(key, list);
    return list;
  }
}

/** "1 неверный запрос в 2 минуты": the 2nd 3xxx within 2 min of the first blocks the key until first + 2 min. */
export const BAD_REQUEST_WINDOW_MS = 120_000;

interface BadState {
  first: number;
  count: number;
  blockedUntil: number;
}

export class BadRequestGuard {
  private byKey = new Map<string, BadState>();

  isBlocked(key: string, now: number): boolean {
    const s = this.byKey.get(key);
    return s !== undefined && now < s.blockedUntil;
  }

  blockedUntil(key: string): number | null {
    return this.byKey.get(key)?.blockedUntil ?? null;
  }

  /** Returns true when this bad request is the one that exceeds the allowance (i.e. it is answered 401). */
  record(key: string, now: number): boolean {
    const s = this.byKey.get(key);
    if (!s || now >= s.first + BAD_REQUEST_WINDOW_MS) {
      this.byKey.set(key, { first: now, count: 1, blockedUntil: 0 });
      return false;
    }
    s.count += 1;
    s.blockedUntil = s.first + BAD_REQUEST_WINDOW_MS;
    return true;
  }

  reset(): void {
    this.byKey.clear();
  }
}
