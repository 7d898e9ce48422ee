import type { Db } from "@/db/client";
import { accountLimitKey, DEFAULT_REQUESTS_PER_SECOND, type RateLimiter, WINDOW_MS } from "@/server/amocrm";
import { budgetRateLimiter } from "./budget";

/** The budget key of an amoCRM account: its normalized base URL (the same account whichever tenant asks). */
export function amocrmBudgetKey(baseUrl: string): string {
  return `amocrm:${accountLimitKey(baseUrl)}`;
}

/**
 * Spacing added to each second. Larger than the in-process limiter's 50 ms: requests of one account now
 * leave from several instances, whose timers fire late by different amounts and whose paths to amoCRM
 * differ, so two sends 1 s apart in slots can land closer together. 7 per 1.1 s is 6.4/s.
 */
export const AMOCRM_SHARED_MARGIN_MS = 100;

/**
 * The account's 7 requests/second (reference §0), shared through PostgreSQL by every instance, both job
 * drivers, sign-in and the uninstall check.
 */
export function amocrmRateLimiter(db: Db, baseUrl: string): RateLimiter {
  return budgetRateLimiter(db, {
    key: amocrmBudgetKey(baseUrl),
    capacity: DEFAULT_REQUESTS_PER_SECOND,
    windowMs: WINDOW_MS,
    marginMs: AMOCRM_SHARED_MARGIN_MS,
  });
}
