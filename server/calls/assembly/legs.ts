// A call's legs (MANGO `call_id`s) as their `events/call` showed them. Each leg is folded commutatively (the
// earliest Appeared / Connected, the latest Disconnected, the parties of its lowest `seq`), so the legs are
// the same whatever order and multiplicity the events came in; the call record is derived from them
// (facts.ts). Pure: the store folds events in under the row lock, the finish job (finish-legs.ts) calls
// `finishFromLegs` when MANGO's `events/summary` never comes (the reference documents no retry of it).
import type { MangoCallEvent, MangoParty } from "@/server/mango/events";
import type { AssembledCall } from "./assemble";
import { deriveCall } from "./facts";

/**
 * A party as the facts need it, never the number: it is sealed on the call row (./phone.ts). `external`: a
 * telephone number; `sip`: a SIP URI (neither is one of our extensions when `extension` is null).
 */
export type LegParty = { extension: string | null; external: boolean; sip?: boolean };

export type CallLeg = {
  from: LegParty;
  to: LegParty;
  /** The `seq` the parties were taken from: the lowest (MANGO substitutes a party on a transfer). */
  partiesSeq?: number;
  /** The line the leg came in on (to.line_number); ours, not the client's. */
  line?: string | null;
  /** Unix seconds; null until that state's event came (events may come in any order). */
  appearedAt: number | null;
  /** The earliest Connected (an OnHold implies the leg was connected by then). */
  connectedAt: number | null;
  disconnectedAt: number | null;
  disconnectReason: number | null;
  /**
   * A leg that began between two employees and later carries the client (a consultation transfer: MANGO
   * sends "a second Connected with substituted caller" on the consultation leg, mango-api.md): when the
   * client was first connected on it, and the employee on the other side (from its lowest such `seq`).
   */
  clientConnectedAt?: number | null;
  clientEmployee?: string | null;
  clientSeq?: number;
};

export type CallLegs = Record<string, CallLeg>;

const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

const partyOf = (p: MangoParty): LegParty => ({
  extension: p.extension,
  external: p.phone !== null,
  sip: p.number?.startsWith("sip:") ?? false,
});

/** Whether this event's parties replace the leg's: a lower seq, or the same seq decided by content. */
function takesParties(leg: CallLeg | undefined, e: MangoCallEvent, parties: string): boolean {
  if (!leg) return true;
  const seq = leg.partiesSeq ?? Number.POSITIVE_INFINITY;
  if (e.seq !== seq) return e.seq < seq;
  return parties < JSON.stringify([leg.from, leg.to]);
}

/** One `events/call` folded into its leg. Commutative and idempotent. */
export function applyLegEvent(legs: CallLegs, e: MangoCallEvent): CallLegs {
  const before = legs[e.callId];
  const from = partyOf(e.from);
  const to = partyOf(e.to);
  const leg: CallLeg = before ?? {
    from,
    to,
    appearedAt: null,
    connectedAt: null,
    disconnectedAt: null,
    disconnectReason: null,
  };
  const next: CallLeg = { ...leg };
  if (takesParties(before, e, JSON.stringify([from, to]))) {
    Object.assign(next, { from, to, partiesSeq: e.seq });
  }
  if (e.lineNumber && (!leg.line || e.lineNumber < leg.line)) next.line = e.lineNumber;
  if (from.external !== to.external) {
    const employee = from.extension ?? to.extension;
    const seq = leg.clientSeq ?? Number.POSITIVE_INFINITY;
    if (e.seq < seq || (e.seq === seq && (employee ?? "") < (leg.clientEmployee ?? ""))) {
      next.clientSeq = e.seq;
      next.clientEmployee = employee;
    }
    if (e.state === "Connected" || e.state === "OnHold")
      next.clientConnectedAt = min(leg.clientConnectedAt ?? null, e.timestamp);
  }
  if (e.state === "Appeared") next.appearedAt = min(leg.appearedAt, e.timestamp);
  if (e.state === "Connected" || e.state === "OnHold") next.connectedAt = min(leg.connectedAt, e.timestamp);
  if (e.state === "Disconnected") {
    next.disconnectedAt = max(leg.disconnectedAt, e.timestamp);
    const reason = e.disconnectReason;
    if (next.disconnectedAt === e.timestamp && leg.disconnectedAt === e.timestamp) {
      // Two Disconnected at the same second: the larger reason, whatever came first.
      if (reason !== null && (leg.disconnectReason === null || reason > leg.disconnectReason))
        next.disconnectReason = reason;
    } else if (next.disconnectedAt === e.timestamp) next.disconnectReason = reason;
  }
  return { ...legs, [e.callId]: next };
}

/** Every leg seen so far is disconnected (and there is at least one). */
export const allLegsDisconnected = (legs: CallLegs) => {
  const all = Object.values(legs);
  return all.length > 0 && all.every((l) => l.disconnectedAt !== null);
};

/** The leg's first known moment: how legs are ordered (then by id), whatever order their events came in. */
export const legStart = (l: CallLeg) =>
  Math.min(
    ...[l.appearedAt, l.connectedAt, l.disconnectedAt].filter((t) => t !== null),
    Number.POSITIVE_INFINITY,
  );

/** Legs in a stable order: by their first moment, then by MANGO's call_id. */
export const orderedLegs = (legs: CallLegs): [string, CallLeg][] =>
  Object.entries(legs).sort(
    ([ia, a], [ib, b]) => legStart(a) - legStart(b) || (ia < ib ? -1 : ia > ib ? 1 : 0),
  );

/** A party outside the PBX: a number or SIP URI that is none of our extensions. */
export const isOutside = (p: LegParty) => p.extension === null && (p.external || p.sip === true);

/** The side of a leg that holds the client's telephone number, if any: the caller first. */
export const clientSide = (l: CallLeg): "from" | "to" | null =>
  l.from.extension === null && l.from.external
    ? "from"
    : // The callee is the client only when one of ours dialled: a hidden caller's leg ends at our own line.
      l.from.extension !== null && l.to.extension === null && l.to.external
      ? "to"
      : null;

/**
 * The call as its legs show it, finished: the same derivation as every fold (facts.ts) with the stage
 * finished, so a summary coming later only adds its own facts.
 */
export function finishFromLegs(call: AssembledCall, legs: CallLegs): AssembledCall {
  return deriveCall({ ...call, legs, finishedBy: call.finishedBy ?? "legs" });
}
