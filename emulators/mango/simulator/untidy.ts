import type { EmulatorState } from "../state";

/**
 * "Untidy" events (scenario option `untidy`, fault `untidyEvents`): the same call, but shaped the way MANGO's
 * own examples show it instead of the tidy form the emulator sends by default. Only variations the reference
 * (/work/shared/reference/mango-api.md, mirrored in test/fixtures/samples/mango/) documents:
 *
 * - `seq`, `timestamp`, `disconnect_reason` as STRINGS ("1", "1399906976", "1120"): §3.1 ("spec example in
 *   appendix sends it as a STRING"), §6.3, samples events-call-sequence-outgoing.json / -callback.json.
 * - ids that are not base64: call_id "100:500:256", entry_id "232wc3e3w3s222" (samples above, §3.5 dtmf
 *   example, §6.3 "never parse them"); here call_id `100:500:<n>` and entry_id `<digits>`.
 * - optional keys absent: no `dct` and no `to.line_number` on employee legs (the callback/outgoing sequence
 *   samples carry neither; §6.3 "optional keys are OMITTED"). `to.acd_group` is "" for a group without a
 *   short number (§3.1) — the seeded groups all have one, so it is not varied here.
 * - key order: `call_id` before `entry_id`, `location` before `call_state` (the same samples); the summary puts
 *   `entry_result` before `end_time` (events-summary-outgoing-missed.json).
 *
 * Each payload is still serialised once and signed over those exact bytes (delivery.ts), so signatures hold.
 * Summaries keep integer times: every summary example in the reference has them as numbers.
 */

export function untidyEntryId(state: EmulatorState): string {
  state.counters.entry += 1;
  return `${2320000000 + state.counters.entry}`;
}

export function untidyCallId(state: EmulatorState): string {
  state.counters.call += 1;
  return `100:500:${state.counters.call}`;
}

const asString = (v: unknown) => (typeof v === "number" ? String(v) : v);

export function untidyCallEvent(p: Record<string, unknown>): Record<string, unknown> {
  const {
    call_id,
    entry_id,
    timestamp,
    seq,
    location,
    call_state,
    from,
    to,
    disconnect_reason,
    dct,
    ...rest
  } = p;
  const toParty = { ...(to as Record<string, unknown>) };
  if (location === "abonent") delete toParty.line_number;
  const out: Record<string, unknown> = {
    call_id,
    entry_id,
    timestamp: asString(timestamp),
    seq: asString(seq),
    location,
    call_state,
    from,
    to: toParty,
  };
  if (disconnect_reason !== undefined) out.disconnect_reason = asString(disconnect_reason);
  // Calltracking data is kept (it carries information); the empty `{type:0}` is the optional key left out.
  if (dct !== undefined && (dct as { type?: number }).type !== 0) out.dct = dct;
  return Object.assign(out, rest);
}

export function untidySummary(p: Record<string, unknown>): Record<string, unknown> {
  const { end_time, entry_result, disconnect_reason, ...rest } = p;
  return { ...rest, entry_result, end_time, disconnect_reason };
}
