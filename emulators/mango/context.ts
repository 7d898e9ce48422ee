import { Clock } from "./clock";
import { Delivery } from "./delivery";
import { isRecord } from "./http";
import { BadRequestGuard, RateLimiter } from "./rate-limit";
import { Engine } from "./simulator/engine";
import { EmulatorState } from "./state";
import type { Pbx } from "./types";

/** What a handler returns; the pipeline turns it into an HTTP response. */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A documented MANGO result code raised synchronously (bad params, not found …). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message = `MANGO result ${code}`,
  ) {
    super(message);
  }
}

export interface RequestLogEntry {
  id: number;
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  json: string | null;
  status: number;
  code: number | null;
}

export type Handler = (ctx: Ctx, pbx: Pbx, body: Record<string, unknown>) => Reply | Promise<Reply>;

export class Ctx {
  readonly clock = new Clock();
  readonly state: EmulatorState;
  readonly limiter = new RateLimiter();
  readonly guard = new BadRequestGuard();
  readonly delivery: Delivery;
  readonly engine: Engine;
  requestLog: RequestLogEntry[] = [];
  private logId = 1;
  /** Public base URL of this emulator (for recording file links). */
  baseUrl = "";

  constructor(eventsBaseUrl?: string) {
    this.state = new EmulatorState(eventsBaseUrl);
    this.delivery = new Delivery(this.state, this.clock);
    this.engine = new Engine(this.state, this.clock, this.delivery);
  }

  log(e: Omit<RequestLogEntry, "id">): void {
    this.requestLog.push({ id: this.logId++, ...e });
    if (this.requestLog.length > 5000) this.requestLog.splice(0, this.requestLog.length - 5000);
  }

  /** Full reseed: data, counters, limits, timers, logs. */
  reset(): void {
    this.engine.clear();
    this.clock.clearTasks();
    this.state.reset();
    this.limiter.reset();
    this.guard.reset();
    this.delivery.clear();
    this.requestLog = [];
  }
}

export function ok(json: unknown): Reply {
  return { status: 200, json };
}

/** Business result inside a 200 body — how КЦ methods report 51xx / 5008 ({"result":5008} in the docs). */
export function resultReply(code: number): Reply {
  return { status: 200, json: { result: code } };
}

// ---- lenient field readers: MANGO's own examples send ids both as numbers and as numeric strings ----

export function str(body: Record<string, unknown>, key: string, required: true): string;
export function str(body: Record<string, unknown>, key: string, required?: false): string | undefined;
export function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new ApiError(3103, `missing ${key}`);
    return undefined;
  }
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") throw new ApiError(3104, `${key} must be a string`);
  return v;
}

export function int(body: Record<string, unknown>, key: string, required: true): number;
export function int(body: Record<string, unknown>, key: string, required?: false): number | undefined;
export function int(body: Record<string, unknown>, key: string, required = false): number | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new ApiError(3103, `missing ${key}`);
    return undefined;
  }
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new ApiError(3104, `${key} must be an integer`);
  return n;
}

export function obj(
  body: Record<string, unknown>,
  key: string,
  required = false,
): Record<string, unknown> | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new ApiError(3103, `missing ${key}`);
    return undefined;
  }
  if (!isRecord(v)) throw new ApiError(3104, `${key} must be an object`);
  return v;
}
