import type { Db } from "@/db/client";
import { callbackAttempts, callbackQueue } from "@/db/schema";
import { AUTO_CALLBACK_DEFAULT_RATE } from "@/lib/domain/settings/schema";
import { getEffectiveSettings } from "@/server/settings/queries";
import { tenantTimeZone } from "@/server/tenancy/queries";
import {
  anyQueued,
  anyUnpausedQueued,
  type Candidate,
  itemWhere,
  loopGuardReason,
  nextCandidate,
  undialable,
} from "./dispatch-candidates";
import {
  callbackCommandId,
  defaultMangoForTenant,
  type MangoForTenant,
  type SendOutcome,
  sendCommand,
} from "./dispatch-send";
import { nextWorkingMoment } from "./hours";
import { lockPacing, setPacing, takeSlot } from "./pacing";
import { openCallbackPhone } from "./phone";

/**
 * Items held back by an employee still on an auto-callback wait for the outcome that ends it (the outcome
 * part wakes the dispatcher); in case that news is missed, the dispatcher looks again after this. Items held
 * back only by paused rules are not looked at again until a rule is resumed (that wakes the dispatcher).
 */
export const BLOCKED_RECHECK_MS = 30_000;

/** Items settled without a call per decision at most, so one decision never holds the pacing lock long. */
const MAX_SETTLED_PER_DECISION = 100;

export type DispatchWait =
  /** Rate 0: nothing is dialed until the rate is set again (the settings change wakes the dispatcher). */
  | "paused"
  /** Outside the working hours: items wait for the window. */
  | "hours"
  /** The next slot is not reached yet. */
  | "slot"
  /** Items are queued but none may go now (their employee is on a call, their rule is paused). */
  | "blocked"
  /** Nothing queued. */
  | "empty";

export type DispatchResult = {
  /** The item dialed by this decision, and what MANGO answered the command. */
  dialed: {
    itemId: string;
    commandId: string;
    callNow: boolean;
    /** The paced slot it used; null for «Позвонить сейчас», which uses none. */
    slotAt: Date | null;
    /** `deferred`: MANGO was busy and did nothing (rate limit, lock-out, overload) — queued again. */
    sent: SendOutcome;
  } | null;
  /** Items this decision settled without a call (loop guard, a target that cannot be dialed). */
  settled: { itemId: string; state: "skipped" | "failed"; reason: string }[];
  /** Why nothing (more) was dialed; null when an item was. */
  waiting: DispatchWait | null;
  /** When a decision could dial something again; null when nothing will become due by itself. */
  nextAt: Date | null;
};

type Decision =
  | { kind: "dial"; candidate: Candidate; phone: string; commandId: string; slotAt: Date | null }
  | { kind: "wait"; waiting: DispatchWait; nextAt: Date | null };

/**
 * One dispatch decision for a tenant: under the lock of its pacing row (no other dispatcher decides
 * meanwhile), pick the item due now, mark it `dialing` with its attempt, move the slot, COMMIT — and only
 * then send MANGO the command, so no transaction or lock is held while MANGO answers. `now` is the caller's
 * clock (tests step a virtual one); every time written here is taken from it.
 *
 * MANGO refusing the command (an error with its result code, or the command never leaving) fails the item
 * with MANGO's code in a Russian reason; MANGO busy and doing nothing (its rate limit, lock-out, overload)
 * queues it again for a later slot (MAX_CALLBACK_ATTEMPTS). A failure after which MANGO may have accepted it
 * (timeout, 5xx) leaves the item `dialing`: MANGO does not deduplicate command ids, so it is never sent
 * again; its result/callback settles it, or the outcome part expires it.
 */
export async function dispatchDue(
  db: Db,
  { tenantId, now, mango = defaultMangoForTenant }: { tenantId: string; now: Date; mango?: MangoForTenant },
): Promise<DispatchResult> {
  // Read before the lock, to keep it short: a change saved meanwhile applies from the next decision.
  const settings = (await getEffectiveSettings(db, { tenantId })).calls.autoCallback;
  const ratePerMinute = settings.ratePerMinute ?? AUTO_CALLBACK_DEFAULT_RATE;
  const hours = settings.workingHours;
  const timeZone = hours.enabled ? await tenantTimeZone(db, { tenantId }) : "UTC";
  const settled: DispatchResult["settled"] = [];

  const decision = await db.transaction(async (t): Promise<Decision> => {
    const tx = t as unknown as Db;
    const pacing = await lockPacing(tx, { tenantId });
    if (ratePerMinute <= 0) {
      // Paused. The slot is forgotten, so setting a rate again dials at once.
      if (pacing.nextSlotAt) await setPacing(tx, { tenantId, nextSlotAt: null });
      return { kind: "wait", waiting: "paused", nextAt: null };
    }
    const opens = nextWorkingMoment(hours, timeZone, now);
    if (opens?.getTime() !== now.getTime())
      return { kind: "wait", waiting: "hours", nextAt: (await anyQueued(tx, tenantId)) ? opens : null };

    const slotOpen = !pacing.nextSlotAt || pacing.nextSlotAt.getTime() <= now.getTime();
    for (let i = 0; i < MAX_SETTLED_PER_DECISION; i++) {
      const c = await nextCandidate(tx, {
        tenantId,
        now,
        slotOpen,
        cooldownMinutes: settings.cooldownMinutes,
      });
      if (!c) break;
      let stop: { state: "skipped" | "failed"; reason: string } | null = c.recently_called
        ? { state: "skipped", reason: loopGuardReason(settings.cooldownMinutes) }
        : null;
      const cannot = stop ? null : undialable(c);
      if (cannot) stop = { state: "failed", reason: cannot };
      let phone = "";
      if (!stop) {
        try {
          phone = openCallbackPhone({
            tenantId,
            id: c.id,
            phoneSealed: c.phone_sealed,
            sealKeyId: c.seal_key_id,
          });
        } catch {
          stop = {
            state: "failed",
            reason: "Не удалось прочитать номер клиента (ключ шифрования сменился?)",
          };
        }
      }
      if (stop) {
        // Settled without a call, and without using the slot: the next item is looked at in its place.
        await tx
          .update(callbackQueue)
          .set({ state: stop.state, reason: stop.reason, finishedAt: now })
          .where(itemWhere(tenantId, c.id));
        settled.push({ itemId: c.id, ...stop });
        continue;
      }
      const attempt = c.attempts + 1;
      const commandId = callbackCommandId(c.id, attempt);
      await tx
        .update(callbackQueue)
        .set({ state: "dialing", dispatchedAt: now, attempts: attempt, commandId, reason: null })
        .where(itemWhere(tenantId, c.id));
      await tx.insert(callbackAttempts).values({ tenantId, itemId: c.id, commandId, sentAt: now });
      if (c.call_now) {
        // «Позвонить сейчас» uses no slot: the paced schedule stays as it was.
        await setPacing(tx, { tenantId, nextSlotAt: pacing.nextSlotAt, lastDispatchAt: now });
        return { kind: "dial", candidate: c, phone, commandId, slotAt: null };
      }
      const slot = takeSlot(pacing, { now, ratePerMinute });
      await setPacing(tx, { tenantId, nextSlotAt: slot.nextSlotAt, lastDispatchAt: now });
      return { kind: "dial", candidate: c, phone, commandId, slotAt: slot.slotAt };
    }
    if (!(await anyQueued(tx, tenantId))) return { kind: "wait", waiting: "empty", nextAt: null };
    if (!slotOpen) return { kind: "wait", waiting: "slot", nextAt: pacing.nextSlotAt };
    // Only paused rules' items: nothing to look at until a rule is resumed (which wakes the dispatcher).
    if (!(await anyUnpausedQueued(tx, tenantId))) return { kind: "wait", waiting: "blocked", nextAt: null };
    return { kind: "wait", waiting: "blocked", nextAt: new Date(now.getTime() + BLOCKED_RECHECK_MS) };
  });

  if (decision.kind === "wait")
    return { dialed: null, settled, waiting: decision.waiting, nextAt: decision.nextAt };
  const { candidate: c, phone, commandId, slotAt } = decision;
  const sent = await sendCommand(db, mango, { tenantId, c, phone, commandId, now });
  return {
    dialed: { itemId: c.id, commandId, callNow: c.call_now, slotAt, sent },
    settled,
    waiting: null,
    nextAt: now,
  };
}
