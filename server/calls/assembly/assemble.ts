import type {
  MangoCallDirection,
  MangoCallEvent,
  MangoCallSummary,
  MangoParty,
  MangoRecordingEvent,
} from "@/server/mango/events";
import { deriveCall, type SummaryFacts } from "./facts";
import { applyLegEvent, type CallLegs, clientSide, orderedLegs } from "./legs";

/**
 * The parts of a call record that events decide. What the events said is kept (`legs`, `summary`, the
 * markers, `recordingIds`) and every other field is derived from it afresh on each fold (facts.ts), so the
 * record is a function of the set of events received, not of their order or multiplicity.
 */
export type AssembledCall = {
  direction: MangoCallDirection;
  stage: "in_progress" | "finished";
  clientPhone: string | null;
  lineNumber: string | null;
  rangExtensions: string[];
  /** Who finished the conversation: the answered employee leg that disconnected last. */
  answeredExtension: string | null;
  /** Everyone who talked with the client (a transfer, a consultation), by when they answered. */
  talkedExtensions: string[];
  /** Outgoing: the employee who placed the call, answered or not (see db/schema/calls.ts). */
  callerExtension: string | null;
  startedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  /** The union of the client's connected intervals: overlapping legs count once. */
  talkSeconds: number;
  disconnectReason: number | null;
  recordingIds: string[];
  ccTaskId: number | null;
  callbackInitiator: string | null;
  commandId: string | null;
  appliedEvents: string[];
  /** Each leg's parties and state times (legs.ts): what direction, employees and talk come from. */
  legs: CallLegs;
  /** MANGO's `events/summary` as it came, numbers left out; null until it comes. */
  summary: SummaryFacts | null;
  /** Why the call is logged other than MANGO's summary named it (Russian, for the journal); null when they agree. */
  directionNote: string | null;
  finishedBy: "summary" | "legs" | null;
};

export const emptyCall = (): AssembledCall => ({
  direction: "unknown",
  stage: "in_progress",
  clientPhone: null,
  lineNumber: null,
  rangExtensions: [],
  answeredExtension: null,
  talkedExtensions: [],
  callerExtension: null,
  startedAt: null,
  answeredAt: null,
  endedAt: null,
  talkSeconds: 0,
  disconnectReason: null,
  recordingIds: [],
  ccTaskId: null,
  callbackInitiator: null,
  commandId: null,
  appliedEvents: [],
  legs: {},
  summary: null,
  directionNote: null,
  finishedBy: null,
});

/** The smaller of two markers: events of one call should agree on them; if not, the pick is still stable. */
const least = <T extends string | number>(a: T | null, b: T | null): T | null =>
  a === null ? b : b === null ? a : b < a ? b : a;

/** The leg whose external party is the client: the earliest leg that has a telephone number outside. */
const clientLeg = (legs: CallLegs) => orderedLegs(legs).find(([, l]) => clientSide(l) !== null)?.[0] ?? null;

/**
 * The client's number by the parties' shape: the caller without an extension; the callee only when one of
 * ours called (a hidden caller has no number, and the callee is then our own line).
 */
const outsidePhone = (from: MangoParty, to: MangoParty) =>
  from.extension === null ? from.phone : to.extension === null ? to.phone : null;

/** Applies one `events/call`. Until the call is finished, everything derived is provisional. */
export function applyCallEvent(call: AssembledCall, e: MangoCallEvent, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  const legs = applyLegEvent(call.legs, e);
  // The number is not in the legs (it is sealed on the row): it follows the leg it belongs to.
  const before = clientLeg(call.legs);
  const after = clientLeg(legs);
  const source = legs[e.callId]!.partiesSeq === e.seq;
  const side = after === e.callId ? clientSide(legs[e.callId]!) : null;
  const phone = side && (before !== e.callId || source) ? e[side].phone : null;
  return deriveCall({
    ...call,
    appliedEvents: [...call.appliedEvents, identity],
    legs,
    clientPhone: phone ?? call.clientPhone,
    ccTaskId: least(call.ccTaskId, e.taskId),
    callbackInitiator: least(call.callbackInitiator, e.callbackInitiator),
    commandId: least(call.commandId, e.commandId),
  });
}

const summaryFacts = (s: MangoCallSummary): SummaryFacts => ({
  direction: s.direction,
  fromExtension: s.from.extension,
  toExtension: s.to.extension,
  lineNumber: s.lineNumber,
  createdAt: s.createdAt,
  answeredAt: s.answeredAt,
  endedAt: s.endedAt,
  talkSeconds: s.talkSeconds,
  disconnectReason: s.disconnectReason,
});

/**
 * `events/summary` finishes the call and adds its facts; the legs still decide direction, employees and
 * talk where they show them. One that comes after the call was finished from its legs (legs.ts) corrects
 * the record and leaves `finishedBy` as it was. MANGO sends one summary per call; were two to come, the
 * later-ending one is kept, whatever order they came in.
 */
export function applySummary(call: AssembledCall, s: MangoCallSummary, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  const facts = summaryFacts(s);
  const keep =
    call.summary !== null &&
    (call.summary.endedAt > facts.endedAt ||
      (call.summary.endedAt === facts.endedAt && JSON.stringify(call.summary) >= JSON.stringify(facts)));
  return deriveCall({
    ...call,
    appliedEvents: [...call.appliedEvents, identity],
    finishedBy: call.finishedBy ?? "summary",
    summary: keep ? call.summary : facts,
    // The legs' client wins over the summary's: it is the number as the call's own events showed it.
    clientPhone: clientLeg(call.legs) !== null || keep ? call.clientPhone : outsidePhone(s.from, s.to),
  });
}

export function applyRecording(call: AssembledCall, r: MangoRecordingEvent, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  const saved = r.saved || r.state === "Completed";
  return {
    ...call,
    appliedEvents: [...call.appliedEvents, identity],
    // Sorted, so the first recording (the one linked in amoCRM) does not depend on arrival order.
    recordingIds:
      saved && !call.recordingIds.includes(r.recordingId)
        ? [...call.recordingIds, r.recordingId].sort()
        : call.recordingIds,
  };
}
