import type {
  MangoCallDirection,
  MangoCallEvent,
  MangoCallSummary,
  MangoRecordingEvent,
} from "@/server/mango/events";
import { applyLegEvent, type CallLegs } from "./legs";

/** The parts of a call record that events decide; the reducer below is pure and order-independent. */
export type AssembledCall = {
  direction: MangoCallDirection;
  stage: "in_progress" | "finished";
  clientPhone: string | null;
  lineNumber: string | null;
  rangExtensions: string[];
  answeredExtension: string | null;
  /** Outgoing: the employee who placed the call, answered or not (see db/schema/calls.ts). */
  callerExtension: string | null;
  startedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  talkSeconds: number;
  disconnectReason: number | null;
  recordingIds: string[];
  ccTaskId: number | null;
  callbackInitiator: string | null;
  commandId: string | null;
  appliedEvents: string[];
  /** Each leg's parties and state times: what the call is finished from when no summary comes (legs.ts). */
  legs: CallLegs;
  finishedBy: "summary" | "legs" | null;
};

export const emptyCall = (): AssembledCall => ({
  direction: "unknown",
  stage: "in_progress",
  clientPhone: null,
  lineNumber: null,
  rangExtensions: [],
  answeredExtension: null,
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
  finishedBy: null,
});

const at = (seconds: number) => new Date(seconds * 1000);
const earliest = (a: Date | null, b: Date) => (a && a <= b ? a : b);
const latest = (a: Date | null, b: Date) => (a && a >= b ? a : b);
const addOnce = (list: string[], value: string | null) =>
  value && !list.includes(value) ? [...list, value] : list;

/** Direction as the events show it: an extension calling a number is outgoing, a number calling us incoming. */
function directionOf(e: MangoCallEvent): MangoCallDirection {
  if (e.from.extension && e.to.extension) return "internal";
  if (e.from.extension && e.to.number) return "outgoing";
  if (e.from.number) return "incoming";
  return "unknown";
}

/** Applies one `events/call`. Until the summary arrives, everything here is provisional. */
export function applyCallEvent(call: AssembledCall, e: MangoCallEvent, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  const direction = call.direction === "unknown" ? directionOf(e) : call.direction;
  const ts = at(e.timestamp);
  const next: AssembledCall = {
    ...call,
    direction,
    appliedEvents: [...call.appliedEvents, identity],
    legs: applyLegEvent(call.legs, e),
    startedAt: earliest(call.startedAt, ts),
    ccTaskId: call.ccTaskId ?? e.taskId,
    callbackInitiator: call.callbackInitiator ?? e.callbackInitiator,
    commandId: call.commandId ?? e.commandId,
    lineNumber: call.lineNumber ?? e.lineNumber,
  };
  const employee = direction === "outgoing" ? e.from.extension : e.to.extension;
  // Who rang is only known from the call events, so it is collected even after the summary.
  if ((e.state === "Appeared" || e.state === "Connected") && direction !== "outgoing") {
    next.rangExtensions = addOnce(next.rangExtensions, employee);
  }
  if (call.stage === "finished") return next; // the summary decided everything else
  const client = direction === "outgoing" ? e.to.phone : direction === "incoming" ? e.from.phone : null;
  next.clientPhone = call.clientPhone ?? client;
  // A leg from an extension to a number is the employee dialling out; the summary confirms it.
  if (directionOf(e) === "outgoing") next.callerExtension = call.callerExtension ?? e.from.extension;
  if (e.state === "Connected" && employee) {
    if (!call.answeredAt || ts < call.answeredAt) {
      next.answeredAt = ts;
      next.answeredExtension = employee;
    }
  }
  if (e.state === "Disconnected") {
    const end = latest(call.endedAt, ts);
    next.endedAt = end;
    if (end === ts) next.disconnectReason = e.disconnectReason ?? call.disconnectReason;
  }
  return next;
}

/**
 * `events/summary` is authoritative and finishes the call; one that comes after the call was finished from
 * its legs (legs.ts) corrects the record and leaves `finishedBy` as it was.
 */
export function applySummary(call: AssembledCall, s: MangoCallSummary, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  const employee = s.direction === "outgoing" ? s.from.extension : s.to.extension;
  const client = s.direction === "outgoing" ? s.to.phone : s.direction === "incoming" ? s.from.phone : null;
  return {
    ...call,
    appliedEvents: [...call.appliedEvents, identity],
    stage: "finished",
    finishedBy: call.finishedBy ?? "summary",
    direction: s.direction === "unknown" ? call.direction : s.direction,
    clientPhone: client ?? call.clientPhone,
    lineNumber: s.lineNumber ?? call.lineNumber,
    startedAt: at(s.createdAt),
    answeredAt: s.answeredAt ? at(s.answeredAt) : null,
    endedAt: at(s.endedAt),
    talkSeconds: s.talkSeconds,
    answeredExtension: s.answered ? (employee ?? call.answeredExtension) : null,
    callerExtension:
      s.direction === "outgoing"
        ? (s.from.extension ?? call.callerExtension)
        : s.direction === "unknown"
          ? call.callerExtension
          : null,
    rangExtensions:
      s.direction === "outgoing"
        ? call.rangExtensions
        : addOnce(call.rangExtensions, s.answered ? employee : null),
    disconnectReason: s.disconnectReason ?? call.disconnectReason,
  };
}

export function applyRecording(call: AssembledCall, r: MangoRecordingEvent, identity: string): AssembledCall {
  if (call.appliedEvents.includes(identity)) return call;
  return {
    ...call,
    appliedEvents: [...call.appliedEvents, identity],
    recordingIds:
      r.saved || r.state === "Completed" ? addOnce(call.recordingIds, r.recordingId) : call.recordingIds,
  };
}
