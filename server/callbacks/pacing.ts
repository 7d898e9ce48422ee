import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackPacing } from "@/db/schema";

/**
 * The tenant's dial pace, kept in `callback_pacing` (PostgreSQL, never process memory), so every instance
 * and either job driver share one schedule: the next slot is 60 / rate seconds after the slot last used.
 */

/** Spacing between two paced dials at `ratePerMinute` (> 0). */
export const slotSpacingMs = (ratePerMinute: number) => 60_000 / ratePerMinute;

/**
 * The slot a dial at `now` uses and the one after it. Slots keep their ideal spacing, so a tick that runs a
 * little late (a poller's interval, a busy machine) does not push the whole schedule back; but a slot more
 * than one spacing in the past means the queue was idle (or paused), and the schedule restarts at `now` —
 * otherwise a burst queued after a quiet hour would be dialed all at once to "catch up". A rate change
 * therefore applies from the slot after the one already set.
 */
export function takeSlot(
  pacing: { nextSlotAt: Date | null },
  { now, ratePerMinute }: { now: Date; ratePerMinute: number },
): { slotAt: Date; nextSlotAt: Date } {
  const spacing = slotSpacingMs(ratePerMinute);
  const set = pacing.nextSlotAt?.getTime();
  const slot = set === undefined || set + spacing <= now.getTime() ? now.getTime() : set;
  return { slotAt: new Date(slot), nextSlotAt: new Date(slot + spacing) };
}

export type PacingRow = typeof callbackPacing.$inferSelect;

/**
 * Locks the tenant's pacing row for the rest of `tx` (made on first use). Every dispatch decision of the
 * tenant holds it, so two dispatchers (instances, duplicate ticks) decide one after the other, each seeing the
 * other's committed slot and dialing item.
 */
export async function lockPacing(tx: Db, { tenantId }: { tenantId: string }): Promise<PacingRow> {
  await tx.insert(callbackPacing).values({ tenantId }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(callbackPacing)
    .where(eq(callbackPacing.tenantId, tenantId))
    .for("update");
  return row!;
}

/** Moves the schedule (under the lock of `lockPacing`). */
export async function setPacing(
  tx: Db,
  {
    tenantId,
    nextSlotAt,
    lastDispatchAt,
  }: { tenantId: string; nextSlotAt: Date | null; lastDispatchAt?: Date },
): Promise<void> {
  await tx
    .update(callbackPacing)
    .set({ nextSlotAt, ...(lastDispatchAt ? { lastDispatchAt } : {}) })
    .where(eq(callbackPacing.tenantId, tenantId));
}

/** The slot the schedule waits for (no lock): a wake-up aims at it instead of making a run of its own. */
export async function pendingSlot(db: Db, { tenantId }: { tenantId: string }): Promise<Date | null> {
  const [row] = await db
    .select({ nextSlotAt: callbackPacing.nextSlotAt })
    .from(callbackPacing)
    .where(eq(callbackPacing.tenantId, tenantId));
  return row?.nextSlotAt ?? null;
}
