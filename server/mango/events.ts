import { createHash } from "node:crypto";
import { normalizePhone } from "@/server/phone/normalize";
import { isSuccessCode } from "./codes";
import {
  type CallEventWire,
  type CommandResultWire,
  type DtmfEventWire,
  eventSchema,
  type MangoEventKind,
  type MangoEventWire,
  type RecordAddedEventWire,
  type RecordingEventWire,
  type SmsEventWire,
  type SummaryEventWire,
} from "./event-types";

/** MANGO events → domain types, and the identity that tells a redelivery from a new event. */

export type MangoParty = {
  extension: string | null;
  /** MANGO's raw number ("74955404444", "sip:user@…"). */
  number: string | null;
  /** E.164 when `number` is a telephone number. */
  phone: string | null;
};

export type MangoCallState = "Appeared" | "Connected" | "OnHold" | "Disconnected";

export type MangoCallEvent = {
  entryId: string;
  callId: string;
  seq: number;
  timestamp: number;
  /** MANGO's state name; kept as a string so a state MANGO adds later does not drop the event. */
  state: MangoCallState | (string & {});
  location: string | null;
  from: MangoParty & { takenFromCallId: string | null };
  to: MangoParty & { acdGroup: string | null };
  /** The line the call came in on (to.line_number). */
  lineNumber: string | null;
  disconnectReason: number | null;
  commandId: string | null;
  taskId: number | null;
  callbackInitiator: string | null;
  transfer: string | null;
};

export type MangoCallDirection = "internal" | "incoming" | "outgoing" | "unknown";

export type MangoCallSummary = {
  entryId: string;
  direction: MangoCallDirection;
  from: MangoParty;
  to: MangoParty;
  lineNumber: string | null;
  createdAt: number;
  /** Answer time; null when nobody talked. */
  answeredAt: number | null;
  endedAt: number;
  /** Talk happened. Judged by talk_time, not entry_result: the spec's own IVR-only example has both 1 and 0. */
  answered: boolean;
  talkSeconds: number;
  disconnectReason: number | null;
};

export type MangoRecordingEvent = {
  recordingId: string;
  state: string;
  seq: number | null;
  entryId: string | null;
  callId: string | null;
  extension: string | null;
  timestamp: number;
  completionCode: number | null;
  /** Completed and saved (completion_code 1000). */
  saved: boolean;
  commandId: string | null;
};

export type MangoRecordAdded = {
  recordingId: string;
  entryId: string | null;
  userId: number | null;
  timestamp: number | null;
};

export type MangoDtmfEvent = {
  entryId: string;
  callId: string;
  digits: string;
  seq: number | null;
  timestamp: number;
  location: string | null;
  initiator: string | null;
};

export type MangoSmsDelivery = {
  commandId: string | null;
  reason: number;
  delivered: boolean;
  timestamp: number | null;
};

export type MangoCommandResult = { commandId: string | null; result: number; ok: boolean };

const party = (p: { extension?: string; number?: string }): MangoParty => ({
  extension: p.extension || null,
  number: p.number || null,
  phone: normalizePhone(p.number),
});

export function toCallEvent(e: CallEventWire): MangoCallEvent {
  return {
    entryId: e.entry_id,
    callId: e.call_id,
    seq: e.seq,
    timestamp: e.timestamp,
    state: e.call_state,
    location: e.location ?? null,
    from: { ...party(e.from), takenFromCallId: e.from.taken_from_call_id ?? null },
    to: { ...party(e.to), acdGroup: e.to.acd_group || null },
    lineNumber: e.to.line_number || null,
    disconnectReason: e.disconnect_reason ?? null,
    commandId: e.command_id ?? null,
    taskId: e.task_id ?? null,
    callbackInitiator: e.callback_initiator ?? null,
    transfer: e.transfer ?? null,
  };
}

const DIRECTIONS: Record<number, MangoCallDirection> = { 0: "internal", 1: "incoming", 2: "outgoing" };

export function toCallSummary(e: SummaryEventWire): MangoCallSummary {
  const talk = e.talk_time ?? 0;
  const answered = talk > 0;
  return {
    entryId: e.entry_id,
    direction: DIRECTIONS[e.call_direction] ?? "unknown",
    from: party(e.from),
    to: party(e.to),
    lineNumber: e.line_number || null,
    createdAt: e.create_time,
    answeredAt: answered ? talk : null,
    endedAt: e.end_time,
    answered,
    talkSeconds: answered ? Math.max(0, e.end_time - talk) : 0,
    disconnectReason: e.disconnect_reason ?? null,
  };
}

export function toRecordingEvent(e: RecordingEventWire): MangoRecordingEvent {
  return {
    recordingId: e.recording_id,
    state: e.recording_state,
    seq: e.seq ?? null,
    entryId: e.entry_id ?? null,
    callId: e.call_id ?? null,
    extension: e.extension || null,
    timestamp: e.timestamp,
    completionCode: e.completion_code ?? null,
    saved:
      e.recording_state === "Completed" &&
      e.completion_code !== undefined &&
      isSuccessCode(e.completion_code),
    commandId: e.command_id ?? null,
  };
}

export const toRecordAdded = (e: RecordAddedEventWire): MangoRecordAdded => ({
  recordingId: e.recording_id,
  entryId: e.entry_id ?? null,
  userId: e.user_id ?? null,
  timestamp: e.timestamp ?? null,
});

export const toDtmfEvent = (e: DtmfEventWire): MangoDtmfEvent => ({
  entryId: e.entry_id,
  callId: e.call_id,
  digits: e.dtmf,
  seq: e.seq ?? null,
  timestamp: e.timestamp,
  location: e.location ?? null,
  initiator: e.initiator ?? null,
});

export const toSmsDelivery = (e: SmsEventWire): MangoSmsDelivery => ({
  commandId: e.command_id ?? null,
  reason: e.reason,
  delivered: isSuccessCode(e.reason),
  timestamp: e.timestamp ?? null,
});

export const toCommandResult = (e: CommandResultWire): MangoCommandResult => ({
  commandId: e.command_id ?? null,
  result: e.result,
  ok: isSuccessCode(e.result),
});

/** The raw `json` field of a webhook → the validated wire event of that kind. Throws on garbage. */
export function parseMangoEvent<K extends MangoEventKind>(kind: K, json: string): MangoEventWire<K> {
  return eventSchema(kind).parse(JSON.parse(json)) as MangoEventWire<K>;
}

const digest = (value: unknown) =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);

/**
 * What makes two deliveries "the same event". MANGO sends events in parallel and may repeat them; it never
 * numbers deliveries, so identity comes from the payload:
 * - events/call: one leg (call_id) changes state with a rising `seq` — the same call can be Appeared twice
 *   (transfer re-use) but never with the same seq;
 * - events/summary: one per entry_id, final;
 * - events/recording: recording_id + state + seq (+ call_id: "Continued" moves it to another leg);
 * - events/record/added|tagged: one per recording_id;
 * - events/dtmf: one per call leg and seq (seq missing: the digits and time);
 * - events/sms: one report per command_id and reason;
 * - result/*: one outcome per command_id;
 * - result/stat: one per stats key.
 * Without the identifying field (MANGO marks command_id optional) the whole payload is the identity.
 */
export function eventIdentity<K extends MangoEventKind>(kind: K, event: MangoEventWire<K>): string {
  const e = event as Record<string, unknown>;
  const s = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  switch (kind) {
    case "events/call":
      return `call:${s(e.entry_id)}:${s(e.call_id)}:${s(e.seq)}:${s(e.call_state)}`;
    case "events/summary":
      return `summary:${s(e.entry_id)}`;
    case "events/recording":
      return `recording:${s(e.recording_id)}:${s(e.recording_state)}:${s(e.seq)}:${s(e.call_id)}`;
    case "events/record/added":
      return `record-added:${s(e.recording_id)}`;
    case "events/record/tagged":
      return `record-tagged:${s(e.recording_id)}`;
    case "events/dtmf":
      return e.seq === undefined
        ? `dtmf:${s(e.call_id)}:${s(e.dtmf)}:${s(e.timestamp)}`
        : `dtmf:${s(e.call_id)}:${s(e.seq)}`;
    case "events/sms":
      return e.command_id === undefined ? `sms:${digest(e)}` : `sms:${s(e.command_id)}:${s(e.reason)}`;
    case "result/stat":
      return `stat:${s(e.key)}`;
    case "ping":
      return `ping:${digest(e)}`;
    default:
      return e.command_id === undefined ? `${kind}:${digest(e)}` : `${kind}:${s(e.command_id)}`;
  }
}
