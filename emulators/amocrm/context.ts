// The emulator instance: persistent state plus runtime-only parts (clock, faults, log, rate limiter).
import type { Req, Res } from "./http";
import { RateLimiter } from "./rate-limit";
import { seedState } from "./seed";
import { type Account, Clock, type State } from "./state";

export interface Fault {
  id: number;
  /**
   * latency: waits, then handles the request. late: handles it (a write is stored) and answers only after
   * `latencyMs`, as amoCRM does when it is slow: a client that gave up meanwhile never learns its write
   * happened. status: answers the status without handling. drop: resets the connection unhandled.
   */
  kind: "latency" | "late" | "status" | "drop";
  /** For kind=status: 500, 502, 503, 429, 401, …; the body is the matching problem+json. */
  status?: number;
  latencyMs?: number;
  /** Apply to the next N matching requests… */
  remaining?: number;
  /** …or to this share (0..1) of matching requests. */
  ratio?: number;
  /** Only requests whose path (e.g. /a/demo/api/v4/leads) starts with this. */
  pathPrefix?: string;
}

export interface LogEntry {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  fault?: string;
}

/** One outbound POST/GET the emulator made (DP widget webhook, account webhook, disconnect hook). */
export interface Delivery {
  seq: number;
  at: number;
  kind: "dp" | "webhook" | "disconnect";
  url: string;
  method: string;
  contentType: string | null;
  body: string;
  status: number | null;
  error: string | null;
}

export interface Emu {
  state: State;
  deliveries: Delivery[];
  /** Outbound deliveries still in flight; control calls can await them. */
  pending: Set<Promise<unknown>>;
  clock: Clock;
  rate: RateLimiter;
  faults: Fault[];
  log: LogEntry[];
  publicBaseUrl: string;
  /** Deterministic pseudo-random source for ratio faults (reset with state). */
  rng: () => number;
  nextFaultId: number;
  /** Which DP event type a lead entering a trigger stage gets (UNCERTAIN in the reference, see README). */
  dpEntryType: "lead_status_changed" | "lead_appeared_in_status";
}

export interface ApiCtx {
  emu: Emu;
  acc: Account;
  req: Req;
  params: Record<string, string>;
  userId: number;
  clientId: string | null;
  /** Account base URL as seen by clients, e.g. http://127.0.0.1:4010/a/demo. */
  base: string;
}

export type ApiHandler = (ctx: ApiCtx) => Res | Promise<Res>;

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createEmu(opts: { rateLimitPerSecond?: number; publicBaseUrl: string }): Emu {
  return {
    state: seedState(),
    deliveries: [],
    pending: new Set(),
    clock: new Clock(),
    rate: new RateLimiter(opts.rateLimitPerSecond ? { perSecond: opts.rateLimitPerSecond } : {}),
    faults: [],
    log: [],
    publicBaseUrl: opts.publicBaseUrl,
    rng: mulberry32(42),
    nextFaultId: 1,
    dpEntryType: "lead_status_changed",
  };
}

export function accountBase(emu: Emu, subdomain: string): string {
  return `${emu.publicBaseUrl}/a/${subdomain}`;
}

/** Picks the fault that applies to this request (and consumes one use of it). */
export function takeFault(emu: Emu, path: string): Fault | null {
  for (const f of emu.faults) {
    if (f.pathPrefix && !path.startsWith(f.pathPrefix)) continue;
    if (f.remaining !== undefined) {
      if (f.remaining <= 0) continue;
      f.remaining -= 1;
      return f;
    }
    if (f.ratio !== undefined && emu.rng() < f.ratio) return f;
  }
  emu.faults = emu.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
  return null;
}
