// Hand-written MANGO event sequences of one call each, in the wire shape of the reference (mango-api.md
// §3.1 events/call, §3.2 events/summary, events/recording) and the samples in test/fixtures/samples/mango:
// what the call-assembly property test permutes and duplicates, and the facts' unit tests fold.

import {
  type AssembledCall,
  applyCallEvent,
  applyRecording,
  applySummary,
  emptyCall,
} from "@/server/calls/assembly/assemble";
import { callEventSchema, eventSchema } from "@/server/mango/event-types";
import { eventIdentity, toCallEvent, toCallSummary, toRecordingEvent } from "@/server/mango/events";

export const CLIENT = "79991234567";
export const LINE = "74950000000";
const ENTRY = "MTo5ODc2NTQzMjE=";

type Side = { extension?: string; number?: string; line_number?: string; taken_from_call_id?: string };
export type Wire = {
  kind: "events/call" | "events/summary" | "events/recording";
  json: Record<string, unknown>;
};

const client: Side = { number: CLIENT };
const line: Side = { number: LINE, line_number: LINE };
const emp = (extension: string): Side => ({ extension, number: `sip:u${extension}@vpbx.mangosip.ru` });

/** One leg's events: Appeared at `a`, Connected at `c` (if any), OnHold/resume, Disconnected at `d`. */
function leg(
  callId: string,
  from: Side,
  to: Side,
  t: { a: number; c?: number; hold?: [number, number]; d: number; reason?: number },
  extra: Record<string, unknown> = {},
): Wire[] {
  const base = { entry_id: ENTRY, call_id: callId, location: "abonent", from, to: { ...to }, ...extra };
  const states: [string, number][] = [["Appeared", t.a]];
  if (t.c !== undefined) states.push(["Connected", t.c]);
  if (t.hold) states.push(["OnHold", t.hold[0]], ["Connected", t.hold[1]]);
  states.push(["Disconnected", t.d]);
  return states.map(([call_state, timestamp], i) => ({
    kind: "events/call",
    json: {
      ...base,
      seq: i + 1,
      call_state,
      timestamp,
      ...(call_state === "Disconnected" ? { disconnect_reason: t.reason ?? 1110 } : {}),
    },
  }));
}

function summary(direction: number, from: Side, to: Side, t: { c: number; talk?: number; e: number }): Wire {
  return {
    kind: "events/summary",
    json: {
      entry_id: ENTRY,
      call_direction: direction,
      from,
      to,
      line_number: LINE,
      create_time: t.c,
      ...(t.talk ? { talk_time: t.talk } : {}),
      end_time: t.e,
      entry_result: t.talk ? 1 : 0,
      disconnect_reason: 1110,
    },
  };
}

const recording = (id: string, ts: number): Wire => ({
  kind: "events/recording",
  json: {
    recording_id: id,
    recording_state: "Completed",
    entry_id: ENTRY,
    timestamp: ts,
    completion_code: 1000,
  },
});

/** Every shape the assembly must hold whatever the order: events, and what the call comes out as. */
export const SHAPES: Record<string, { events: Wire[]; expect: Partial<AssembledCall> }> = {
  incomingAnswered: {
    events: [
      ...leg("ivr", client, line, { a: 100, d: 104 }),
      ...leg("l101", client, { ...emp("101"), line_number: LINE }, { a: 104, c: 110, d: 150 }),
      summary(1, client, emp("101"), { c: 100, talk: 110, e: 150 }),
    ],
    expect: { direction: "incoming", answeredExtension: "101", talkSeconds: 40, talkedExtensions: ["101"] },
  },
  missedInGroup: {
    events: [
      ...leg("g101", client, { ...emp("101"), line_number: LINE }, { a: 100, d: 130, reason: 1120 }),
      ...leg("g102", client, { ...emp("102"), line_number: LINE }, { a: 100, d: 130, reason: 1120 }),
      ...leg("g103", client, { ...emp("103"), line_number: LINE }, { a: 101, d: 130, reason: 1120 }),
      summary(1, client, line, { c: 99, e: 130 }),
    ],
    expect: {
      direction: "incoming",
      answeredExtension: null,
      talkSeconds: 0,
      rangExtensions: ["101", "102", "103"],
    },
  },
  blindTransfer: {
    events: [
      ...leg("b1", client, { ...emp("101"), line_number: LINE }, { a: 100, c: 105, d: 140 }),
      ...leg(
        "b2",
        { ...client, taken_from_call_id: "b1" },
        emp("102"),
        { a: 138, c: 140, d: 200 },
        { transfer: "blind" },
      ),
      summary(1, client, emp("101"), { c: 100, talk: 105, e: 200 }),
    ],
    expect: {
      direction: "incoming",
      answeredExtension: "102",
      talkSeconds: 95,
      talkedExtensions: ["101", "102"],
    },
  },
  consultationTransfer: {
    events: [
      ...leg(
        "c1",
        client,
        { ...emp("101"), line_number: LINE },
        { a: 100, c: 105, hold: [120, 160], d: 161 },
      ),
      ...leg("c2", emp("101"), emp("102"), { a: 121, c: 125, d: 160 }, { transfer: "consultative" }),
      ...leg("c3", { ...client, taken_from_call_id: "c1" }, emp("102"), { a: 160, c: 160, d: 230 }),
      summary(1, client, emp("102"), { c: 100, talk: 105, e: 230 }),
      recording("rec-b", 161),
      recording("rec-a", 230),
    ],
    expect: {
      direction: "incoming",
      answeredExtension: "102",
      talkSeconds: 125,
      talkedExtensions: ["101", "102"],
    },
  },
  hold: {
    events: [
      ...leg(
        "h1",
        client,
        { ...emp("104"), line_number: LINE },
        { a: 100, c: 103, hold: [120, 140], d: 180 },
      ),
      summary(1, client, emp("104"), { c: 100, talk: 103, e: 180 }),
    ],
    expect: { direction: "incoming", answeredExtension: "104", talkSeconds: 77 },
  },
  outgoing: {
    events: [
      ...leg("o1", emp("103"), { number: CLIENT }, { a: 100, c: 108, d: 138 }),
      ...leg("o2", emp("103"), emp("105"), { a: 115, c: 117, d: 125 }),
      summary(2, emp("103"), { number: CLIENT }, { c: 100, talk: 108, e: 138 }),
    ],
    expect: { direction: "outgoing", callerExtension: "103", answeredExtension: "103", talkSeconds: 30 },
  },
  callback: {
    events: [
      ...leg("cb1", client, emp("101"), { a: 100, c: 103, d: 105 }, { command_id: "cmd-1" }),
      ...leg(
        "cb2",
        { ...emp("101"), taken_from_call_id: "cb1" },
        { number: CLIENT },
        { a: 106, c: 112, d: 150 },
        {
          command_id: "cmd-1",
        },
      ),
      summary(2, emp("101"), { number: CLIENT }, { c: 100, talk: 112, e: 150 }),
    ],
    expect: { direction: "outgoing", callerExtension: "101", answeredExtension: "101", talkSeconds: 38 },
  },
};

/** Folds wire events through the same parsing and reducers as the store (server/calls/assembly/store.ts). */
export function foldWire(events: Wire[], start: AssembledCall = emptyCall()): AssembledCall {
  return events.reduce((call, w) => stepOf(w)(call), start);
}

type Step = (call: AssembledCall) => AssembledCall;
const steps = new WeakMap<Wire, Step>();

/** Each wire event parsed once: the property test folds the same events thousands of times. */
function stepOf(w: Wire): Step {
  const known = steps.get(w);
  if (known) return known;
  const step = parsedStep(w);
  steps.set(w, step);
  return step;
}

function parsedStep({ kind, json }: Wire): Step {
  if (kind === "events/call") {
    const wire = callEventSchema.parse(json);
    const [e, id] = [toCallEvent(wire), eventIdentity(kind, wire)];
    return (call) => applyCallEvent(call, e, id);
  }
  if (kind === "events/summary") {
    const wire = eventSchema(kind).parse(json);
    const [s, id] = [toCallSummary(wire), eventIdentity(kind, wire)];
    return (call) => applySummary(call, s, id);
  }
  const wire = eventSchema(kind).parse(json);
  const [r, id] = [toRecordingEvent(wire), eventIdentity(kind, wire)];
  return (call) => applyRecording(call, r, id);
}

export { leg, summary };
