import { readFile, writeFile } from "node:fs/promises";
import { DEFAULT_EVENTS_BASE_URL, DEFAULT_OTHER_EVENTS_BASE_URL, seedDemoPbx, seedOtherPbx } from "./seed";
import type { Counters, Pbx } from "./types";

export type CallOutcome =
  | "answered"
  | "client_no_answer"
  | "client_busy"
  | "operator_no_answer"
  | "operator_busy";

/** How the next matching callback / campaign call ends (set through the control API). */
export interface OutcomeRule {
  toNumber: string | null;
  outcome: CallOutcome;
  talkSeconds?: number;
  recorded?: boolean;
  /** How many calls this rule applies to; undefined = forever. */
  remaining?: number;
}

export interface SmsRule {
  toNumber: string | null;
  /** 1000 = delivered; 43xx = failed delivery (events/sms reason). */
  reason: number;
  /** Result of the command itself (result/sms): 1000 or e.g. 4300. */
  result?: number;
  remaining?: number;
}

export interface Faults {
  duplicateEvents: boolean;
  outOfOrder: boolean;
  /** Extra real-time delay before every API response. */
  latencyMs: number;
  /** Extra real-time delay before every webhook POST (MANGO being slow to notify). */
  webhookLatencyMs: number;
  /** The next `remaining` API requests (optionally only on these paths) answer with `status`. */
  apiFailures: { remaining: number; status: number; paths: string[] | null } | null;
  /** Every new call's events shaped as in MANGO's own examples (simulator/untidy.ts). */
  untidyEvents?: boolean;
}

export interface DeliverySettings {
  timeoutMs: number;
  retryDelaysMs: number[];
}

/**
 * MANGO's limits on a campaign's and an account's active tasks (status 1 в очереди, 2 в работе): 5108 and 5113
 * exist (reference §1.3) but their numbers depend on the tariff and are not documented, so none applies until
 * a test or the demo sets one.
 */
export interface TaskLimits {
  activePerCampaign: number | null;
  activeTotal: number | null;
}

export interface Settings {
  taskLimits: TaskLimits;
  /** "legacy420": HTTP 420 + {"code":N} (the only literal error format in the docs); "result": HTTP 200 + {"result":N}. */
  errorStyle: "legacy420" | "result";
  faults: Faults;
  delivery: DeliverySettings;
  callbackRules: OutcomeRule[];
  smsRules: SmsRule[];
}

export interface Snapshot {
  version: 1;
  clock: number;
  pbxes: Pbx[];
  counters: Counters;
  settings: Settings;
}

export function defaultSettings(): Settings {
  return {
    taskLimits: { activePerCampaign: null, activeTotal: null },
    errorStyle: "legacy420",
    faults: {
      duplicateEvents: false,
      outOfOrder: false,
      latencyMs: 0,
      webhookLatencyMs: 0,
      apiFailures: null,
      untidyEvents: false,
    },
    delivery: { timeoutMs: 5000, retryDelaysMs: [1000, 5000, 30000] },
    callbackRules: [],
    smsRules: [],
  };
}

function freshCounters(): Counters {
  return {
    entry: 0,
    call: 0,
    recording: 0,
    task: 9000100,
    subtask: 520000000,
    campaign: 78000,
    cmd: 0,
    stats: 0,
    autoCallback: 2052000,
  };
}

export class EmulatorState {
  pbxes: Pbx[] = [];
  counters: Counters = freshCounters();
  settings: Settings = defaultSettings();

  constructor(private readonly eventsBaseUrl: string = DEFAULT_EVENTS_BASE_URL) {
    this.reset();
  }

  reset(): void {
    this.pbxes = [seedDemoPbx(this.eventsBaseUrl), seedOtherPbx(DEFAULT_OTHER_EVENTS_BASE_URL)];
    this.counters = freshCounters();
    this.settings = defaultSettings();
  }

  byKey(apiKey: string): Pbx | undefined {
    return this.pbxes.find((p) => p.apiKey === apiKey);
  }

  byId(id: string): Pbx | undefined {
    return this.pbxes.find((p) => p.id === id);
  }

  /**
   * MANGO ids are opaque base64 strings (e.g. "MToxMDAwNjA4NTo1MDA5NDExMDIyOjE="); we mimic the look
   * (base64 of colon-joined numbers) so clients that wrongly parse or assume digits break here, not in prod.
   */
  nextEntryId(pbx: Pbx): string {
    this.counters.entry += 1;
    return Buffer.from(`${pbx.productId}:${5000000000 + this.counters.entry}`).toString("base64");
  }

  nextCallId(pbx: Pbx): string {
    this.counters.call += 1;
    return Buffer.from(`1:${pbx.productId}:${7000000000 + this.counters.call}:1`).toString("base64");
  }

  nextRecordingId(pbx: Pbx): string {
    this.counters.recording += 1;
    return Buffer.from(`1:${pbx.productId}:${3000000000 + this.counters.recording}:1`).toString("base64");
  }

  nextTaskId(): number {
    this.counters.task += 1;
    return this.counters.task;
  }

  nextSubtaskId(): number {
    this.counters.subtask += 1;
    return this.counters.subtask;
  }

  nextCampaignId(): number {
    this.counters.campaign += 1;
    return this.counters.campaign;
  }

  /** command_id for calls the emulator starts on its own (scenarios), so clients can still correlate. */
  nextCommandId(prefix: string): string {
    this.counters.cmd += 1;
    return `${prefix}-${this.counters.cmd}`;
  }

  nextAutoCallbackId(): number {
    this.counters.autoCallback += 1;
    return this.counters.autoCallback;
  }

  nextStatsKey(): string {
    this.counters.stats += 1;
    return Buffer.from(`stats:${this.counters.stats}:request`).toString("base64");
  }

  snapshot(clockNow: number): Snapshot {
    return structuredClone({
      version: 1,
      clock: clockNow,
      pbxes: this.pbxes,
      counters: this.counters,
      settings: this.settings,
    });
  }

  load(s: Snapshot): void {
    if (s.version !== 1 || !Array.isArray(s.pbxes)) throw new Error("unsupported snapshot");
    this.pbxes = structuredClone(s.pbxes);
    this.counters = { ...freshCounters(), ...s.counters };
    this.settings = { ...defaultSettings(), ...s.settings };
  }

  async saveTo(file: string, clockNow: number): Promise<void> {
    await writeFile(file, `${JSON.stringify(this.snapshot(clockNow), null, 2)}\n`, "utf8");
  }

  async loadFrom(file: string): Promise<Snapshot> {
    const s = JSON.parse(await readFile(file, "utf8")) as Snapshot;
    this.load(s);
    return s;
  }
}
