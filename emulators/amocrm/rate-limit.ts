// Per-account request-rate limit (reference §0/§5.2): at most N requests per clock second (7 by default);
// over it → 429; sustained abuse (many 429s in a short window) → the account is blocked and every request gets 403.
// Counted per account (UNCERTAIN in the reference: integration / account / IP; see README).

export type RateVerdict = { kind: "ok" } | { kind: "limited"; retryAfter: number } | { kind: "blocked" };

export interface RateLimitConfig {
  perSecond: number;
  /** Number of 429s within `abuseWindowSec` that blocks the account. */
  abuseThreshold: number;
  abuseWindowSec: number;
  blockSec: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  perSecond: 7,
  abuseThreshold: 100,
  abuseWindowSec: 60,
  blockSec: 900,
};

export class RateLimiter {
  config: RateLimitConfig;
  private windows = new Map<string, { second: number; count: number }>();
  private rejections = new Map<string, number[]>();
  private blockedUntil = new Map<string, number>();

  constructor(config: Partial<RateLimitConfig> = {}) {
    this.config = { ...DEFAULT_RATE_LIMIT, ...config };
  }

  check(key: string, nowMs: number): RateVerdict {
    const second = Math.floor(nowMs / 1000);
    const until = this.blockedUntil.get(key);
    if (until !== undefined && second < until) return { kind: "blocked" };
    if (until !== undefined) this.blockedUntil.delete(key);

    const w = this.windows.get(key);
    const win = w && w.second === second ? w : { second, count: 0 };
    win.count += 1;
    this.windows.set(key, win);
    if (win.count <= this.config.perSecond) return { kind: "ok" };

    const recent = (this.rejections.get(key) ?? []).filter((s) => s > second - this.config.abuseWindowSec);
    recent.push(second);
    this.rejections.set(key, recent);
    if (recent.length >= this.config.abuseThreshold) {
      this.blockedUntil.set(key, second + this.config.blockSec);
      this.rejections.delete(key);
    }
    return { kind: "limited", retryAfter: 1 };
  }

  isBlocked(key: string, nowMs: number): boolean {
    const until = this.blockedUntil.get(key);
    return until !== undefined && Math.floor(nowMs / 1000) < until;
  }

  unblock(key?: string): void {
    if (key) this.blockedUntil.delete(key);
    else this.blockedUntil.clear();
  }

  reset(): void {
    this.windows.clear();
    this.rejections.clear();
    this.blockedUntil.clear();
  }
}
