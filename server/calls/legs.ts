// A call's legs (MANGO `call_id`s) as their `events/call` showed them, and the call they make when MANGO's
// `events/summary` never comes (the reference documents no retry of it). Pure: the store folds events in
// under the row lock, the finish job (finish-legs.ts) calls `finishFromLegs`.
import type { MangoCallEvent } from "@/server/mango/events";
import type { AssembledCall } from "./assemble";

/**
 * Whether a party is a telephone number, never the number: it is sealed on the call row (./phone.ts), and
 * the reducer's `clientPhone` (the first event's external party) is the client for every direction.
 */
type LegParty = { extension: string | null; external: boolean };

export type CallLeg = {
  from: LegParty;
  to: LegParty;
  /** Unix seconds; null until that state's event came (events may come in any order). */
  appearedAt: number | null;
  connectedAt: number | null;
  disconnectedAt: number | null;
  disconnectReason: number | null;
};

export type CallLegs = Record<string, CallLeg>;

const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

/** One `events/call` folded into its leg: earliest Appeared / Connected, latest Disconnected. */
export function applyLegEvent(legs: CallLegs, e: MangoCallEvent): CallLegs {
  const before = legs[e.callId];
  const leg: CallLeg = before ?? {
    from: { extension: e.from.extension, external: e.from.phone !== null },
    to: { extension: e.to.extension, external: e.to.phone !== null },
    appearedAt: null,
    connectedAt: null,
    disconnectedAt: null,
    disconnectReason: null,
  };
  const next = { ...leg };
  if (e.state === "Appeared") next.appearedAt = min(leg.appearedAt, e.timestamp);
  if (e.state === "Connected") next.connectedAt = min(leg.connectedAt, e.timestamp);
  if (e.state === "Disconnected") {
    next.disconnectedAt = max(leg.disconnectedAt, e.timestamp);
    if (next.disconnectedAt === e.timestamp) next.disconnectReason = e.disconnectReason;
  }
  return { ...legs, [e.callId]: next };
}

/** Every leg seen so far is disconnected (and there is at least one). */
export const allLegsDisconnected = (legs: CallLegs) => {
  const all = Object.values(legs);
  return all.length > 0 && all.every((l) => l.disconnectedAt !== null);
};

/** An employee dialling a number: the leg of an outgoing call (and of a callback's client). */
const isDialOut = (l: CallLeg) => l.from.extension !== null && l.to.extension === null && l.to.external;
/** A callback's first leg rings the employee and shows the client as `from` (the reference's appendix). */
const isReversedCallback = (l: CallLeg) => l.from.extension === null && l.to.extension !== null;

const at = (seconds: number) => new Date(seconds * 1000);

/**
 * The call as its legs show it, finished: direction, client, who answered, talk time from the answered legs'
 * Connected → Disconnected, start and end. A callback (our command id or a Contact Center dial) is outgoing:
 * MANGO rings the employee first, then the client; only the client's leg answering is a conversation.
 */
export function finishFromLegs(call: AssembledCall, legs: CallLegs): AssembledCall {
  const all = Object.values(legs);
  const callback = call.commandId !== null || call.callbackInitiator !== null;
  const dialOut = all.filter(isDialOut);
  const reversed = callback ? all.filter(isReversedCallback) : [];
  const internal = all.length > 0 && all.every((l) => l.from.extension !== null && l.to.extension !== null);
  const direction: AssembledCall["direction"] =
    dialOut.length > 0 || reversed.some((l) => l.from.external)
      ? "outgoing"
      : internal
        ? "internal"
        : all.some((l) => l.from.external)
          ? "incoming"
          : call.direction;

  let talkLegs: CallLeg[] = [];
  let callerExtension: string | null = null;
  if (direction === "outgoing") {
    talkLegs = dialOut;
    callerExtension = dialOut[0]?.from.extension ?? reversed[0]?.to.extension ?? call.callerExtension;
  } else if (direction === "incoming") {
    talkLegs = all.filter((l) => l.to.extension !== null);
  } else if (direction === "internal") {
    talkLegs = all;
  }
  const answered = talkLegs
    .filter((l) => l.connectedAt !== null)
    .sort((a, b) => a.connectedAt! - b.connectedAt!);
  const first = answered[0];
  const talkEnd = answered.reduce<number | null>((m, l) => max(m, l.disconnectedAt ?? l.connectedAt!), null);
  const ends = all.flatMap((l) => (l.disconnectedAt === null ? [] : [l]));
  const last = ends.sort((a, b) => b.disconnectedAt! - a.disconnectedAt!)[0];
  const starts = all
    .flatMap((l) => [l.appearedAt, l.connectedAt, l.disconnectedAt])
    .filter((t) => t !== null);

  return {
    ...call,
    stage: "finished",
    direction,
    clientPhone: direction === "internal" ? null : call.clientPhone,
    startedAt: starts.length > 0 ? at(Math.min(...starts)) : call.startedAt,
    answeredAt: first ? at(first.connectedAt!) : null,
    endedAt: last ? at(last.disconnectedAt!) : call.endedAt,
    talkSeconds: first && talkEnd !== null ? Math.max(0, talkEnd - first.connectedAt!) : 0,
    answeredExtension: first
      ? direction === "outgoing"
        ? first.from.extension
        : (first.to.extension ?? null)
      : null,
    callerExtension: direction === "outgoing" ? callerExtension : null,
    disconnectReason: last?.disconnectReason ?? call.disconnectReason,
  };
}
