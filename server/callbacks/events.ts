// Correlation: MANGO's result/callback(_group), events/call and events/summary of an auto-callback update its
// attempt (callback_attempts, found by the command id MANGO echoes) and decide the item (decide.ts).
//
// MANGO sends these in parallel, late, twice or out of order (mango-api.md §6.5): result/* has no entry_id,
// so it does not share the call's order key in the mango.event job and may run beside the call's events.
// Every fact is therefore written as "the earliest / the first known" in one UPDATE under the item's row
// lock, and the item is decided from the facts alone: the same events in any order end the same way.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type CallbackAttemptRow,
  type CallbackQueueRow,
  callbackAttempts,
  callbackQueue,
  calls,
} from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { callEventSchema, summaryEventSchema } from "@/server/mango/event-types";
import { toCallEvent, toCallSummary } from "@/server/mango/events";
import { type CallbackDecision, decideAttempt } from "./decide";
import { wakeDispatcher } from "./dispatch-job";
import { enqueueCallbackOutcome } from "./outcome-job";
import { openCallbackPhone } from "./phone";

/**
 * A failure decided from the call's end waits this long before its consequences run: a "client answered"
 * that MANGO delivers after the leg's Disconnected (events are sent in parallel) still turns the item into
 * a success until the outcome job has started. The same window calls.log gives a late recording.
 */
export const FAILURE_SETTLE_S = 15;

type Facts = {
  resultCode?: number;
  entryId?: string;
  operatorConnectedAt?: Date;
  clientAnsweredAt?: Date;
  /** The end as the employee's leg saw it (it ended without reaching the client): never overrides leg 2's. */
  operatorEnd?: { at: Date; reason: number | null };
  /** The end as the client's leg or the summary saw it. */
  end?: { at: Date; reason: number | null };
};

const at = (seconds: number) => new Date(seconds * 1000);

/** The command id an event names, as MANGO sent it (a string or a number). */
function commandIdOf(event: Record<string, unknown>): string | null {
  const id = event.command_id;
  return typeof id === "string" || typeof id === "number" ? String(id) || null : null;
}

/**
 * Called for every MANGO event the mango.event job handles (server/events/mango-jobs.ts), before the event is
 * folded into its call. Events of no auto-callback cost one indexed read (or none, without a command id).
 */
export async function applyCallbackEvent(
  db: Db,
  { tenantId, kind, event }: { tenantId: string; kind: string; event: Record<string, unknown> },
  queue: JobQueue,
): Promise<void> {
  let decided: Decided | null = null;
  if (kind === "result/callback" || kind === "result/callback_group") {
    const commandId = commandIdOf(event);
    const code = Number(event.result);
    if (commandId && Number.isFinite(code))
      decided = await applyFacts(db, { tenantId, commandId, facts: () => ({ resultCode: code }) });
  } else if (kind === "events/call") {
    const commandId = commandIdOf(event);
    const parsed = callEventSchema.safeParse(event);
    if (commandId && parsed.success) {
      const e = toCallEvent(parsed.data);
      decided = await applyFacts(db, {
        tenantId,
        commandId,
        facts: (item) => legFacts(e, item),
        // The summary may have come first (it carries no command id): its facts are in the call's record.
        entryId: e.entryId,
      });
    }
  } else if (kind === "events/summary") {
    const parsed = summaryEventSchema.safeParse(event);
    if (parsed.success) {
      // The summary names no command: the call's record, built from its legs, does.
      const [call] = await db
        .select({ commandId: calls.commandId })
        .from(calls)
        .where(and(eq(calls.tenantId, tenantId), eq(calls.entryId, parsed.data.entry_id)));
      if (call?.commandId) {
        const s = toCallSummary(parsed.data);
        decided = await applyFacts(db, {
          tenantId,
          commandId: call.commandId,
          facts: () => summaryFacts(s),
          requireEntryId: s.entryId,
        });
      }
    }
  }
  if (decided) {
    await enqueueDecided(queue, tenantId, decided);
    // The employee is free again: an item waiting for them need not wait for the next re-check.
    await wakeDispatcher(db, queue, { tenantId });
  }
}

type Decided = { item: Pick<CallbackQueueRow, "id" | "leadId">; decision: CallbackDecision };

async function enqueueDecided(queue: JobQueue, tenantId: string, { item, decision }: Decided) {
  // A success and a refusal cannot be undone by a later event; a failure from the call's end may be.
  const settle = decision.state === "failed" && !decision.refused;
  await enqueueCallbackOutcome(
    queue,
    { tenantId, id: item.id, leadId: item.leadId },
    { delaySeconds: settle ? FAILURE_SETTLE_S : 0 },
  );
}

/** The item's number, or null when it cannot be opened (a retired key): the legs' shape still tells. */
function clientPhone(item: CallbackQueueRow): string | null {
  try {
    return openCallbackPhone(item);
  } catch {
    return null;
  }
}

/**
 * Which leg an event is: leg 2 goes to the client (it carries `taken_from_call_id` when it appears, and its
 * `to` is the client's number); leg 1 rings the employee (`to` is the employee, `from` shows the client).
 */
function legFacts(e: ReturnType<typeof toCallEvent>, item: CallbackQueueRow): Facts {
  const ts = at(e.timestamp);
  const facts: Facts = { entryId: e.entryId };
  const clientLeg =
    e.from.takenFromCallId !== null ||
    (e.to.phone !== null && e.to.phone === clientPhone(item)) ||
    (e.from.extension !== null && e.to.extension === null);
  if (clientLeg) {
    // Leg 2 exists only once the employee answered leg 1.
    facts.operatorConnectedAt = ts;
    if (e.state === "Connected") facts.clientAnsweredAt = ts;
    if (e.state === "Disconnected") facts.end = { at: ts, reason: e.disconnectReason };
    return facts;
  }
  if (e.state === "Connected") facts.operatorConnectedAt = ts;
  if (e.state === "Disconnected") {
    // 1000 on leg 1 is the bridge to the client (spec appendix): the employee had answered.
    if (e.disconnectReason === 1000) facts.operatorConnectedAt = ts;
    // An employee's only leg 1 ending otherwise ends the call. A group may ring several operators, one leg
    // each, and one of them ending says nothing of the others: the summary (or leg 2) ends a group's call.
    else if (item.targetType !== "group") facts.operatorEnd = { at: ts, reason: e.disconnectReason };
  }
  return facts;
}

/**
 * events/summary: the end of the whole call. Talk happened (talk_time > 0) only once the client answered:
 * leg 1 is the employee being rung, not the conversation, and MANGO reports talk for the bridged call.
 */
function summaryFacts(s: ReturnType<typeof toCallSummary>): Facts {
  const facts: Facts = {
    entryId: s.entryId,
    end: { at: at(s.endedAt), reason: s.disconnectReason },
  };
  if (s.answered && s.answeredAt !== null) {
    facts.clientAnsweredAt = at(s.answeredAt);
    facts.operatorConnectedAt = at(s.answeredAt);
  }
  return facts;
}

/** The summary facts MANGO already gave this call (its record is finished), for a summary that came first. */
async function summaryFromCallRecord(db: Db, tenantId: string, entryId: string): Promise<Facts | null> {
  const [call] = await db
    .select({
      stage: calls.stage,
      answeredAt: calls.answeredAt,
      endedAt: calls.endedAt,
      talkSeconds: calls.talkSeconds,
      disconnectReason: calls.disconnectReason,
    })
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.entryId, entryId)));
  if (call?.stage !== "finished" || !call.endedAt) return null;
  const facts: Facts = { end: { at: call.endedAt, reason: call.disconnectReason } };
  if (call.talkSeconds > 0 && call.answeredAt) {
    facts.clientAnsweredAt = call.answeredAt;
    facts.operatorConnectedAt = call.answeredAt;
  }
  return facts;
}

const merge = (a: Facts, b: Facts | null): Facts => {
  if (!b) return a;
  const earliest = (x?: Date, y?: Date) => (x && y ? (x < y ? x : y) : (x ?? y));
  return {
    ...a,
    operatorConnectedAt: earliest(a.operatorConnectedAt, b.operatorConnectedAt),
    clientAnsweredAt: earliest(a.clientAnsweredAt, b.clientAnsweredAt),
    // A finished record holds the summary: it is the call's authoritative end.
    end: b.end ?? a.end,
  };
};

/**
 * One event's facts into its attempt, then the item decided again, all under the item's row lock (events of
 * one command run in parallel across order keys). Only the item's current attempt decides it (decideItem).
 */
async function applyFacts(
  db: Db,
  o: {
    tenantId: string;
    commandId: string;
    facts: (item: CallbackQueueRow) => Facts;
    entryId?: string;
    requireEntryId?: string;
  },
): Promise<Decided | null> {
  const { tenantId, commandId } = o;
  const [found] = await db
    .select({ itemId: callbackAttempts.itemId })
    .from(callbackAttempts)
    .where(and(eq(callbackAttempts.tenantId, tenantId), eq(callbackAttempts.commandId, commandId)));
  if (!found) return null;
  const fromRecord = o.entryId ? await summaryFromCallRecord(db, tenantId, o.entryId) : null;
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(callbackQueue)
      .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, found.itemId)))
      .for("update");
    if (!item) return null;
    const f = merge(o.facts(item), fromRecord);
    const a = callbackAttempts;
    const least = (col: typeof a.operatorConnectedAt, v?: Date) =>
      v
        ? sql`least(coalesce(${col}, ${v.toISOString()}::timestamptz), ${v.toISOString()}::timestamptz)`
        : col;
    // The end of leg 2 or the summary replaces a leg-1 end (which only counts while the client was never
    // dialled). Leg 2's and the summary's reasons describe the same end and agree; either may come last.
    const end = f.end;
    const opEnd = f.operatorEnd;
    const [attempt] = await tx
      .update(a)
      .set({
        resultCode:
          f.resultCode === undefined ? a.resultCode : sql`coalesce(${a.resultCode}, ${f.resultCode})`,
        entryId: f.entryId === undefined ? a.entryId : sql`coalesce(${a.entryId}, ${f.entryId})`,
        operatorConnectedAt: least(a.operatorConnectedAt, f.operatorConnectedAt),
        clientAnsweredAt: least(a.clientAnsweredAt, f.clientAnsweredAt),
        finishedAt: end
          ? sql`greatest(${a.finishedAt}, ${end.at.toISOString()}::timestamptz)`
          : opEnd
            ? sql`coalesce(${a.finishedAt}, ${opEnd.at.toISOString()}::timestamptz)`
            : a.finishedAt,
        disconnectReason:
          end && end.reason !== null
            ? sql`${end.reason}::integer`
            : opEnd && opEnd.reason !== null
              ? sql`coalesce(${a.disconnectReason}, ${opEnd.reason}::integer)`
              : a.disconnectReason,
        updatedAt: sql`now()`,
      })
      .where(and(eq(a.tenantId, tenantId), eq(a.commandId, commandId)))
      .returning();
    if (!attempt || item.commandId !== attempt.commandId) return null;
    if (o.requireEntryId && attempt.entryId !== o.requireEntryId) return null;
    return decideItem(tx as unknown as Db, item, attempt);
  });
}

/**
 * Moves the item to what its attempt's facts say, unless it already is there or is past changing. A failure
 * may still become a success until the outcome job applied it (it reads the state when it runs, a failure
 * `FAILURE_SETTLE_S` after it was decided); an event arriving while that job is writing to amoCRM is too late
 * to change what it writes.
 */
async function decideItem(
  db: Db,
  item: CallbackQueueRow,
  attempt: CallbackAttemptRow,
): Promise<Decided | null> {
  const decision = decideAttempt(attempt);
  if (!decision) return null;
  const final = item.state === "succeeded" || item.state === "failed";
  if (item.state !== "dialing" && !final) return null; // expired, cleared, removed, skipped: stays so
  // Once the consequences are applied the state stays; a later event may still complete the details
  // (e.g. the disconnect reason of a success decided when the client answered).
  const applied = item.outcomeAppliedAt !== null;
  if (applied && item.state !== decision.state) return null;
  const same =
    item.state === decision.state &&
    item.reason === decision.reason &&
    item.resultCode === decision.resultCode;
  if (!same)
    await db
      .update(callbackQueue)
      .set({
        state: decision.state,
        reason: decision.reason,
        resultCode: decision.resultCode,
        finishedAt: sql`coalesce(${callbackQueue.finishedAt}, now())`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(callbackQueue.tenantId, item.tenantId), eq(callbackQueue.id, item.id)));
  if (applied) return null;
  return { item, decision };
}
