import { type Db, outsideTransaction } from "@/db/client";
import type { MangoLimit, MangoRateLimiter } from "@/server/mango/limits";
import { reserveSlots } from "./budget";

/**
 * Spacing added to each MANGO window. MANGO counts over a sliding window as requests arrive, so a burst that
 * arrives late (connection set-up, a busy event loop: ~100 ms seen against the emulator on a loaded
 * machine) next to one that arrives promptly would look like 11 in a second with amoCRM's 50 ms. 10 per
 * 1.25 s is 8/s, what sms.send is held to anyway.
 */
export const MANGO_MARGIN_MS = 250;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The budget key of one MANGO limit of a tenant's product (one PBX, one tenant: the key is unique). */
export function mangoBudgetKey(tenantId: string, limit: Pick<MangoLimit, "name">): string {
  return `mango:${tenantId}:${limit.name}`;
}

/**
 * MANGO's per-product limits (10/s, callbacks 4/s, config/users/request 1 per 2 s …) kept in PostgreSQL,
 * shared by every instance and both job drivers: one statement per request reserves a slot in each of its
 * limits, then the caller sleeps until that slot outside any transaction.
 */
export function mangoRateLimiter(
  db: Db,
  tenantId: string,
  opts: { sleep?: (ms: number) => Promise<void> } = {},
): MangoRateLimiter {
  const sleep = opts.sleep ?? realSleep;
  return {
    async take(limits) {
      const { waitMs } = await reserveSlots(
        outsideTransaction(db),
        limits.map((l) => ({
          key: mangoBudgetKey(tenantId, l),
          capacity: l.capacity,
          windowMs: l.windowMs,
          marginMs: MANGO_MARGIN_MS,
        })),
      );
      if (waitMs > 0) await sleep(waitMs);
    },
  };
}
