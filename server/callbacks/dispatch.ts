import { and, eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { callbackAttempts, callbackQueue } from "@/db/schema";
import { AUTO_CALLBACK_DEFAULT_RATE } from "@/lib/domain/settings/schema";
import { mangoClientFor } from "@/server/connections/mango";
import { logger } from "@/server/log/logger";
import type { CallbackGroupInput, CallbackInput } from "@/server/mango/api";
import { MangoError } from "@/server/mango/errors";
import { getEffectiveSettings } from "@/server/settings/queries";
import { tenantTimeZone } from "@/server/tenancy/queries";
import { nextWorkingMoment } from "./hours";
import { lockPacing, setPacing, takeSlot } from "./pacing";
import { openCallbackPhone } from "./phone";

/** What the dispatcher needs of a tenant's MANGO client (tests hand in one on the emulator). */
export type CallbackMango = {
  callback(input: CallbackInput): Promise<unknown>;
  callbackGroup(input: CallbackGroupInput): Promise<unknown>;
};

/** How the dispatcher gets the tenant's MANGO client; by default the app's, with MANGO's shared budgets. */
export type MangoForTenant = (db: Db, tenant: { tenantId: string }) => Promise<CallbackMango>;

export const defaultMangoForTenant: MangoForTenant = (db, { tenantId }) => mangoClientFor(db, { tenantId });

/**
 * The MANGO command id of an item's attempt: stable for the attempt (result/callback and every events/call
 * of the call carry it back), new for another attempt. 4 + 36 + 1 + digits ≤ 128 bytes.
 */
export const callbackCommandId = (itemId: string, attempt: number) => `acb-${itemId}-${attempt}`;

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

type Candidate = {
  id: string;
  target_type: "responsible" | "employee" | "group";
  target_extension: string;
  line_number: string | null;
  phone_sealed: string;
  seal_key_id: string;
  attempts: number;
  call_now: boolean;
  recently_called: boolean;
};

const itemWhere = (tenantId: string, id: string) =>
  and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, id));

export const loopGuardReason = (minutes: number) =>
  `Этому клиенту уже звонили автоперезвоном менее ${minutes} минут назад`;

/** Why an item cannot be dialed at all, before anything is sent; null when it can. */
function undialable(c: Candidate): string | null {
  if (c.target_extension.trim() === "") return "Не указан сотрудник или группа, от которых звонить";
  if (c.target_type === "group" && !c.line_number)
    return "Для звонка от имени группы нужна линия (номер, который увидит клиент) — в правиле она не выбрана";
  return null;
}

/**
 * The next queued item that may be dialed now, locked: «Позвонить сейчас» first (even before the slot),
 * then queue order. Items of a paused rule wait, and an employee (or group) with an auto-callback still
 * dialing is not rung for the next one — someone else's item may go instead. `recently_called` is the loop
 * guard: the same client number dialed by any item within the cooldown.
 */
async function nextCandidate(
  tx: Db,
  o: { tenantId: string; now: Date; slotOpen: boolean; cooldownMinutes: number },
): Promise<Candidate | null> {
  const since = new Date(o.now.getTime() - o.cooldownMinutes * 60_000);
  const rows = rowsOf<Candidate>(
    await tx.execute(sql`
      select q.id, q.target_type, q.target_extension, q.line_number, q.phone_sealed, q.seal_key_id, q.attempts,
        q.call_now_at is not null as call_now,
        (${o.cooldownMinutes}::int > 0 and exists (
          select 1 from callback_queue o
          where o.tenant_id = q.tenant_id and o.phone_lookup = q.phone_lookup and o.id <> q.id
            and o.dispatched_at > ${since})) as recently_called
      from callback_queue q
      where q.tenant_id = ${o.tenantId} and q.state = 'queued'
        and (${o.slotOpen}::boolean or q.call_now_at is not null)
        and (q.rule_id is null or not exists (
          select 1 from callback_rule_pauses p where p.tenant_id = q.tenant_id and p.rule_id = q.rule_id))
        and not exists (
          select 1 from callback_queue d
          where d.tenant_id = q.tenant_id and d.state = 'dialing' and d.target_extension = q.target_extension)
      order by q.call_now_at asc nulls last, q.seq asc
      limit 1
      for update of q skip locked`),
  );
  return rows[0] ?? null;
}

async function anyQueued(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db
    .select({ id: callbackQueue.id })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.state, "queued")))
    .limit(1);
  return rows.length > 0;
}

async function anyUnpausedQueued(tx: Db, tenantId: string): Promise<boolean> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select q.id from callback_queue q
      where q.tenant_id = ${tenantId} and q.state = 'queued'
        and (q.rule_id is null or not exists (
          select 1 from callback_rule_pauses p where p.tenant_id = q.tenant_id and p.rule_id = q.rule_id))
      limit 1`),
  );
  return rows.length > 0;
}

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

export type SendOutcome = "accepted" | "refused" | "unknown" | "deferred";

/**
 * Attempts of an item at most. Only a transient "MANGO did nothing" (its rate limit, the 2-minute lock-out,
 * an overload refusal, a connection that never opened) gives an item another attempt — at a later slot,
 * with a new command id — and not forever: a MANGO down for longer fails the item on the last one.
 */
export const MAX_CALLBACK_ATTEMPTS = 3;

const TRANSIENT_KINDS = new Set(["rate_limit", "locked", "server", "unavailable"]);

/** The command of one attempt, sent once; the item and its attempt row say what MANGO answered. */
async function sendCommand(
  db: Db,
  mango: MangoForTenant,
  o: { tenantId: string; c: Candidate; phone: string; commandId: string; now: Date },
): Promise<SendOutcome> {
  const { tenantId, c, phone, commandId, now } = o;
  const current = and(
    itemWhere(tenantId, c.id),
    eq(callbackQueue.state, "dialing"),
    eq(callbackQueue.commandId, commandId),
  );
  try {
    const client = await mango(db, { tenantId });
    if (c.target_type === "group")
      await client.callbackGroup({
        commandId,
        from: c.target_extension,
        to: phone,
        lineNumber: c.line_number!,
      });
    else
      await client.callback({
        commandId,
        fromExtension: c.target_extension,
        toNumber: phone,
        lineNumber: c.line_number ?? undefined,
      });
    return "accepted";
  } catch (err) {
    if (err instanceof MangoError && err.outcomeUnknown) {
      // MANGO may have started the call: never sent again; result/callback or the expiry settles it.
      await db
        .update(callbackQueue)
        .set({ reason: "Исход команды неизвестен — ждём ответа MANGO (result/callback)" })
        .where(current);
      return "unknown";
    }
    // MANGO did nothing: it refused with its code, or the command never left (not connected, no connection).
    const code = err instanceof MangoError ? err.code : null;
    const attempt = and(eq(callbackAttempts.tenantId, tenantId), eq(callbackAttempts.commandId, commandId));
    if (
      err instanceof MangoError &&
      err.retrySafe &&
      TRANSIENT_KINDS.has(err.kind) &&
      c.attempts + 1 < MAX_CALLBACK_ATTEMPTS
    ) {
      // Not this call's refusal but MANGO's state: the item waits for a later slot (its queue place kept).
      await db
        .update(callbackQueue)
        .set({ state: "queued", reason: `MANGO не принял команду (${err.humanMessage}) — позвоним ещё раз` })
        .where(current);
      await db.update(callbackAttempts).set({ resultCode: code, finishedAt: now }).where(attempt);
      return "deferred";
    }
    const what =
      err instanceof MangoError ? err.humanMessage : err instanceof Error ? err.message : String(err);
    const reason =
      code !== null ? `MANGO отказал в звонке: код ${code} — ${what}` : `Звонок не отправлен: ${what}`;
    if (!(err instanceof MangoError))
      logger.warn({ tenantId, itemId: c.id, err: String(err) }, "auto-callback not sent");
    await db
      .update(callbackQueue)
      .set({ state: "failed", finishedAt: now, resultCode: code, reason })
      .where(current);
    await db.update(callbackAttempts).set({ resultCode: code, finishedAt: now }).where(attempt);
    return "refused";
  }
}
