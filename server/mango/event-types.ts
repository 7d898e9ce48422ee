import { z } from "zod";
import { idLike, intLike } from "./types";

/**
 * Zod schemas of what MANGO POSTs to us ("API Realtime") [mango-api.md §3]. Same leniency as the API
 * answers: numbers may be quoted, optional keys are omitted (not null), unknown keys pass through.
 * The output keeps MANGO's field names (it is what the webhook inbox stores); `events.ts` turns it into
 * domain types.
 */

/** Paths MANGO appends to the webhook base URL, matched on the suffix (with or without a trailing "/"). */
export const MANGO_EVENT_KINDS = [
  "events/call",
  "events/summary",
  "events/recording",
  "events/record/added",
  "events/record/tagged",
  "events/dtmf",
  "events/sms",
  "result/callback",
  "result/callback_group",
  "result/sms",
  "result/call/hangup",
  "result/route",
  "result/transfer",
  "result/recording/start",
  "result/play/start",
  "result/calls_connect",
  "result/transfer_cancel",
  "result/call/hold/on",
  "result/stat",
  "ping",
] as const;

export type MangoEventKind = (typeof MANGO_EVENT_KINDS)[number];
export type MangoResultKind = Extract<MangoEventKind, `result/${string}`>;

/** "…/vpbx/api/v1/events/call/" → "events/call"; older docs call the stats push result/stats. */
export function eventKindFromPath(path: string): MangoEventKind | null {
  const clean = path.split("?")[0]?.replace(/\/+$/, "") ?? "";
  if (clean.endsWith("/result/stats") || clean === "result/stats") return "result/stat";
  // Longest first: "result/call/hangup" must not be taken for a shorter kind that it ends with.
  const byLength = [...MANGO_EVENT_KINDS].sort((a, b) => b.length - a.length);
  return byLength.find((k) => clean === k || clean.endsWith(`/${k}`)) ?? null;
}

const partySchema = z.looseObject({
  extension: idLike.optional(),
  number: idLike.optional(),
  taken_from_call_id: z.string().optional(),
  was_transferred: z.boolean().optional(),
  hold_initiator: z.boolean().optional(),
  line_number: idLike.optional(),
  acd_group: idLike.optional(),
});

export const callEventSchema = z.looseObject({
  entry_id: z.string().min(1),
  call_id: z.string().min(1),
  timestamp: intLike,
  seq: intLike,
  call_state: z.string().min(1),
  location: z.string().optional(),
  from: partySchema.default({}),
  to: partySchema.default({}),
  dct: z.looseObject({ number: idLike.optional(), type: intLike.optional() }).optional(),
  disconnect_reason: intLike.optional(),
  transfer: z.string().optional(),
  sip_call_id: z.string().optional(),
  command_id: idLike.optional(),
  task_id: intLike.optional(),
  callback_initiator: z.string().optional(),
});

export const summaryEventSchema = z.looseObject({
  entry_id: z.string().min(1),
  call_direction: intLike,
  from: partySchema.default({}),
  to: partySchema.default({}),
  line_number: idLike.optional(),
  create_time: intLike,
  forward_time: intLike.optional(),
  talk_time: intLike.optional(),
  end_time: intLike,
  entry_result: intLike.optional(),
  disconnect_reason: intLike.optional(),
  sip_call_id: z.string().optional(),
  dct: z.looseObject({ number: idLike.optional(), type: intLike.optional() }).optional(),
});

export const recordingEventSchema = z.looseObject({
  recording_id: z.string().min(1),
  recording_state: z.string().min(1),
  seq: intLike.optional(),
  entry_id: z.string().optional(),
  call_id: z.string().optional(),
  extension: idLike.optional(),
  timestamp: intLike,
  completion_code: intLike.optional(),
  recipient: z.string().optional(),
  command_id: idLike.optional(),
});

/** events/record/added and events/record/tagged share this shape [§3.4]. */
export const recordAddedEventSchema = z.looseObject({
  entry_id: z.string().optional(),
  product_id: intLike.optional(),
  user_id: intLike.optional(),
  timestamp: intLike.optional(),
  recording_id: z.string().min(1),
});

export const dtmfEventSchema = z.looseObject({
  seq: intLike.optional(),
  dtmf: idLike,
  timestamp: intLike,
  call_id: z.string().min(1),
  entry_id: z.string().min(1),
  location: z.string().optional(),
  initiator: idLike.optional(),
  from_number: idLike.optional(),
  to_number: idLike.optional(),
  line_number: idLike.optional(),
});

/** Delivery report of an SMS; `reason` 1000 = delivered, 43xx = not. */
export const smsEventSchema = z.looseObject({
  command_id: idLike.optional(),
  timestamp: intLike.optional(),
  reason: intLike,
});

/** Every result/<command>: `command_id` (optional per spec, we always send one) + `result`. */
export const commandResultSchema = z.looseObject({
  command_id: idLike.optional(),
  result: intLike,
});

export const statsReadySchema = z.looseObject({ key: z.string().min(1), request_id: idLike.optional() });

/** LK "Проверить подключение": shape undocumented; anything JSON is accepted. */
export const pingSchema = z.looseObject({});

export type CallEventWire = z.infer<typeof callEventSchema>;
export type SummaryEventWire = z.infer<typeof summaryEventSchema>;
export type RecordingEventWire = z.infer<typeof recordingEventSchema>;
export type RecordAddedEventWire = z.infer<typeof recordAddedEventSchema>;
export type DtmfEventWire = z.infer<typeof dtmfEventSchema>;
export type SmsEventWire = z.infer<typeof smsEventSchema>;
export type CommandResultWire = z.infer<typeof commandResultSchema>;
export type StatsReadyWire = z.infer<typeof statsReadySchema>;

type SchemaFor<K extends MangoEventKind> = K extends "events/call"
  ? typeof callEventSchema
  : K extends "events/summary"
    ? typeof summaryEventSchema
    : K extends "events/recording"
      ? typeof recordingEventSchema
      : K extends "events/record/added" | "events/record/tagged"
        ? typeof recordAddedEventSchema
        : K extends "events/dtmf"
          ? typeof dtmfEventSchema
          : K extends "events/sms"
            ? typeof smsEventSchema
            : K extends "result/stat"
              ? typeof statsReadySchema
              : K extends "ping"
                ? typeof pingSchema
                : typeof commandResultSchema;

export type MangoEventWire<K extends MangoEventKind> = z.infer<SchemaFor<K>>;

export function eventSchema<K extends MangoEventKind>(kind: K): SchemaFor<K> {
  const byKind: Record<string, z.ZodType> = {
    "events/call": callEventSchema,
    "events/summary": summaryEventSchema,
    "events/recording": recordingEventSchema,
    "events/record/added": recordAddedEventSchema,
    "events/record/tagged": recordAddedEventSchema,
    "events/dtmf": dtmfEventSchema,
    "events/sms": smsEventSchema,
    "result/stat": statsReadySchema,
    ping: pingSchema,
  };
  return (byKind[kind] ?? commandResultSchema) as SchemaFor<K>;
}
