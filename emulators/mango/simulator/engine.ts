import type { Clock } from "../clock";
import type { Delivery } from "../delivery";
import type { EmulatorState } from "../state";
import type { Employee, Pbx } from "../types";
import { completeRecording, startRecording } from "./recordings";
import { untidyCallEvent, untidyCallId, untidyEntryId, untidySummary } from "./untidy";

/**
 * Runtime of simulated calls. Timeline builders (incoming.ts, outbound.ts) schedule engine calls on the
 * emulator clock; the engine turns them into signed events with per-leg `seq`, real timestamps (taken at
 * fire time from the emulator clock), recordings and the final events/summary, and keeps enough live state
 * for commands (hangup, recording/start) to act on a call in progress.
 */

export interface Party {
  extension?: string;
  number?: string;
  taken_from_call_id?: string;
  line_number?: string;
  acd_group?: string;
}

export interface LegDef {
  location: "ivr" | "queue" | "abonent";
  from: Party;
  to: Party;
  /** Extra fields every event of the leg carries (command_id, task_id, callback_initiator, dct …). */
  extras?: Record<string, unknown>;
  /** The callback flow shows `taken_from_call_id` only on Appeared; incoming legs keep it on every state. */
  takenFromOnlyOnAppeared?: boolean;
  /** Employee on this leg (recorded party). */
  employee?: Employee;
}

export interface Leg extends LegDef {
  callId: string;
  seq: number;
  state: string | null;
  recording: { id: string; seq: number; commandId?: string } | null;
  /** Fields merged into the next event of this leg only (e.g. `from.was_transferred` on Disconnected). */
  transient?: {
    from?: Record<string, unknown>;
    to?: Record<string, unknown>;
    fields?: Record<string, unknown>;
  };
}

export interface SummaryBase {
  call_direction: 0 | 1 | 2;
  from: Party;
  line_number?: string;
}

export interface Entry {
  pbxId: string;
  entryId: string;
  legs: Map<string, Leg>;
  tasks: number[];
  finished: boolean;
  autoRecord: boolean;
  createTime: number;
  forwardTime: number;
  talkTime: number;
  summary: SummaryBase;
  /** Who the summary's `to` names: the answering party, else the first missed hop. */
  summaryTo: Party;
  onFinish?: (entry: Entry, answered: boolean, disconnectReason: number) => void;
  /**
   * Seconds between a leg's end and its recording's Completed event (then events/record/added 3 s later): a
   * recording MANGO finishes processing minutes after the summary. 0 / unset: at the leg's end.
   */
  recordingDelaySeconds?: number;
  /** Incoming calls only: what commands/route needs to continue the call elsewhere. */
  plan?: IncomingPlan;
  /** Scenario `noSummary`: the call ends (legs, history, recordings) but events/summary is never sent. */
  noSummary?: boolean;
  /** Scenario `untidy` / fault `untidyEvents`: events shaped as in MANGO's own examples (untidy.ts). */
  untidy?: boolean;
}

export interface IncomingPlan {
  caller: string;
  line: string;
  talkSeconds: number;
  hangupBy: "client" | "operator";
  dct: { number?: string; type: number };
}

export class Engine {
  private entries = new Map<string, Entry>();
  /** Set by a scenario around its start so the call gets untidy ids from its first leg on. */
  untidyNext = false;

  constructor(
    readonly state: EmulatorState,
    readonly clock: Clock,
    readonly delivery: Delivery,
  ) {}

  clear(): void {
    for (const e of this.entries.values()) for (const t of e.tasks) this.clock.cancel(t);
    this.entries.clear();
  }

  activeCount(): number {
    return [...this.entries.values()].filter((e) => !e.finished).length;
  }

  /** A call by its entry_id, while the engine still holds it. */
  entry(entryId: string): Entry | undefined {
    return this.entries.get(entryId);
  }

  pbx(entry: Entry): Pbx | undefined {
    return this.state.byId(entry.pbxId);
  }

  open(pbx: Pbx, summary: SummaryBase, autoRecord: boolean): Entry {
    const now = this.clock.nowSeconds();
    const untidy = this.untidyNext || this.state.settings.faults.untidyEvents === true;
    const entry: Entry = {
      untidy,
      pbxId: pbx.id,
      entryId: untidy ? untidyEntryId(this.state) : this.state.nextEntryId(pbx),
      legs: new Map(),
      tasks: [],
      finished: false,
      autoRecord,
      createTime: now,
      forwardTime: 0,
      talkTime: 0,
      summary,
      summaryTo: {},
    };
    this.entries.set(entry.entryId, entry);
    return entry;
  }

  /** Schedule `fn` `offsetMs` after the entry's start; cancelled if the call is hung up early. */
  at(entry: Entry, startMs: number, offsetMs: number, fn: () => void): void {
    const id = this.clock.schedule(startMs + offsetMs, () => {
      if (!entry.finished) fn();
    });
    entry.tasks.push(id);
  }

  defineLeg(entry: Entry, def: LegDef): string {
    const pbx = this.pbx(entry);
    const callId = !pbx
      ? `call-${entry.legs.size}`
      : entry.untidy
        ? untidyCallId(this.state)
        : this.state.nextCallId(pbx);
    entry.legs.set(callId, { ...def, callId, seq: 0, state: null, recording: null });
    return callId;
  }

  emitLeg(entry: Entry, callId: string, callState: string, disconnectReason?: number): void {
    const pbx = this.pbx(entry);
    const leg = entry.legs.get(callId);
    if (!pbx || !leg || leg.state === "Disconnected") return;
    leg.seq += 1;
    leg.state = callState;
    const from: Party = { ...leg.from };
    if (leg.takenFromOnlyOnAppeared && callState !== "Appeared") delete from.taken_from_call_id;
    const payload: Record<string, unknown> = {
      entry_id: entry.entryId,
      call_id: callId,
      timestamp: this.clock.nowSeconds(),
      seq: leg.seq,
      call_state: callState,
      location: leg.location,
      from: { ...from, ...leg.transient?.from },
      to: { ...leg.to, ...leg.transient?.to },
    };
    if (disconnectReason !== undefined) payload.disconnect_reason = disconnectReason;
    Object.assign(payload, leg.extras ?? {}, leg.transient?.fields);
    leg.transient = undefined;
    this.delivery.send(pbx, "events/call", entry.untidy ? untidyCallEvent(payload) : payload);
    if (callState === "Connected" && entry.autoRecord && leg.employee && !leg.recording) {
      startRecording(this, entry, leg);
    }
    if (callState === "Disconnected" && leg.recording) completeRecording(this, entry, leg);
  }

  markForward(entry: Entry): void {
    entry.forwardTime = this.clock.nowSeconds();
  }

  markTalk(entry: Entry, to: Party): void {
    entry.talkTime = this.clock.nowSeconds();
    entry.summaryTo = to;
  }

  setMissedHop(entry: Entry, to: Party): void {
    if (Object.keys(entry.summaryTo).length === 0) entry.summaryTo = to;
  }

  /** events/summary — the finalising event; also files the call into history (stats, КЦ data). */
  finish(entry: Entry, disconnectReason: number): void {
    const pbx = this.pbx(entry);
    if (!pbx || entry.finished) return;
    const now = this.clock.nowSeconds();
    const answered = entry.talkTime > 0;
    const s = entry.summary;
    const payload: Record<string, unknown> = {
      entry_id: entry.entryId,
      call_direction: s.call_direction,
      from: s.from,
      to: entry.summaryTo,
    };
    if (s.line_number !== undefined) payload.line_number = s.line_number;
    Object.assign(payload, {
      create_time: entry.createTime,
      forward_time: s.call_direction === 1 ? entry.forwardTime : entry.createTime,
      talk_time: entry.talkTime,
      end_time: now,
      entry_result: answered ? 1 : 0,
      disconnect_reason: disconnectReason,
    });
    // MANGO documents no retry of a lost webhook: `noSummary` stands for a summary that never arrives.
    if (!entry.noSummary)
      this.delivery.send(pbx, "events/summary", entry.untidy ? untidySummary(payload) : payload);
    entry.finished = true;
    const recs = [...entry.legs.values()].flatMap((l) => (l.recording ? [l.recording.id] : []));
    const recIds = pbx.recordings.filter((r) => r.entryId === entry.entryId).map((r) => r.recordingId);
    const last = [...entry.legs.values()].at(-1);
    pbx.history.push({
      entryId: entry.entryId,
      direction: s.call_direction,
      fromExtension: s.from.extension ?? "",
      fromNumber: s.from.number ?? "",
      toExtension: entry.summaryTo.extension ?? "",
      toNumber: entry.summaryTo.number ?? "",
      lineNumber: s.line_number ?? "",
      start: entry.createTime,
      answer: entry.talkTime,
      finish: now,
      disconnectReason,
      location: last?.location ?? "abonent",
      recordings: [...new Set([...recIds, ...recs])],
    });
    entry.onFinish?.(entry, answered, disconnectReason);
  }

  result(pbx: Pbx, path: string, commandId: string | undefined, result: number): void {
    const payload: Record<string, unknown> = {};
    if (commandId !== undefined) payload.command_id = commandId;
    payload.result = result;
    this.delivery.send(pbx, path, payload);
  }

  /** The call will end without events/summary (scenario option `noSummary`). */
  withholdSummary(entryId: string): void {
    const entry = this.entries.get(entryId);
    if (entry) entry.noSummary = true;
  }

  /** Live leg lookup for call-control commands. */
  findLeg(pbx: Pbx, callId: string): { entry: Entry; leg: Leg } | undefined {
    for (const entry of this.entries.values()) {
      if (entry.pbxId !== pbx.id || entry.finished) continue;
      const leg = entry.legs.get(callId);
      if (leg && leg.state !== "Disconnected") return { entry, leg };
    }
    return undefined;
  }

  /** Drop the rest of a call's scripted timeline (a command changed its course). */
  cancelTimeline(entry: Entry): void {
    for (const t of entry.tasks) this.clock.cancel(t);
    entry.tasks = [];
  }

  /** commands/call/hangup: end every live leg of the call with 1181 ("ended by ES command") and summarise. */
  hangup(pbx: Pbx, callId: string): boolean {
    const found = this.findLeg(pbx, callId);
    if (!found) return false;
    const { entry } = found;
    this.cancelTimeline(entry);
    for (const leg of entry.legs.values()) {
      if (leg.state !== null && leg.state !== "Disconnected")
        this.emitLeg(entry, leg.callId, "Disconnected", 1181);
    }
    this.finish(entry, 1181);
    return true;
  }

  /** commands/recording/start: 1000, or 4102 if already recording, 4101 if the leg is not live/connected. */
  startRecordingByCommand(pbx: Pbx, callId: string, commandId: string | undefined): number {
    const found = this.findLeg(pbx, callId);
    if (found?.leg.state !== "Connected") return 4101;
    if (found.leg.recording) return 4102;
    startRecording(this, found.entry, found.leg, commandId);
    return 1000;
  }
}
