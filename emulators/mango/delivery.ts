import type { Clock } from "./clock";
import { mangoSign } from "./sign";
import type { EmulatorState } from "./state";
import type { Pbx } from "./types";

/**
 * POSTs events/results to the account's "external system URL" exactly as MANGO does: form-urlencoded
 * vpbx_api_key + sign + json, signed with the account's own key/salt.
 *
 * Retry policy is UNCERTAIN in the docs; we chose: a delivery that times out, fails to connect or gets a
 * non-2xx answer is retried after 1 s, 5 s and 30 s of emulator time (configurable), then dropped. Deliveries
 * of one account go out one at a time in scheduled order (deterministic for tests) unless the out-of-order
 * fault is on.
 */
export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error?: string;
}

export interface DeliveryRecord {
  id: number;
  pbxId: string;
  url: string;
  path: string;
  json: string;
  duplicate: boolean;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  gaveUp: boolean;
}

const LOG_CAP = 5000;

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

export class Delivery {
  log: DeliveryRecord[] = [];
  private nextId = 1;
  private chains = new Map<string, Promise<void>>();
  private held = new Map<string, { rec: DeliveryRecord; timer: NodeJS.Timeout }>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: Clock,
  ) {}

  /** Serialise once, sign those exact bytes, and queue the POST. */
  send(pbx: Pbx, path: string, payload: Record<string, unknown>): void {
    const json = JSON.stringify(payload);
    const faults = this.state.settings.faults;
    const rec = this.record(pbx, path, json, false);
    if (faults.outOfOrder) this.holdOrSwap(pbx, rec);
    else this.enqueue(pbx, rec);
    if (faults.duplicateEvents) this.enqueue(pbx, this.record(pbx, path, json, true));
  }

  clear(): void {
    this.log = [];
    for (const h of this.held.values()) clearTimeout(h.timer);
    // Held (out-of-order) events counted as in flight; dropping them must not leave idle() waiting forever.
    this.inFlight -= this.held.size;
    this.held.clear();
    if (this.inFlight <= 0) this.done(0);
  }

  /** Resolves when nothing is queued or in flight (used by /__control/deliveries?wait=1 and tests). */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.held.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private record(pbx: Pbx, path: string, json: string, duplicate: boolean): DeliveryRecord {
    const rec: DeliveryRecord = {
      id: this.nextId++,
      pbxId: pbx.id,
      url: joinUrl(pbx.eventsBaseUrl, path),
      path,
      json,
      duplicate,
      attempts: [],
      delivered: false,
      gaveUp: false,
    };
    this.log.push(rec);
    if (this.log.length > LOG_CAP) this.log.splice(0, this.log.length - LOG_CAP);
    return rec;
  }

  /** Out-of-order fault: hold each event until the next one of the same account, then send them swapped. */
  private holdOrSwap(pbx: Pbx, rec: DeliveryRecord): void {
    const prev = this.held.get(pbx.id);
    if (prev) {
      clearTimeout(prev.timer);
      this.held.delete(pbx.id);
      this.enqueue(pbx, rec);
      this.enqueue(pbx, prev.rec);
      this.done(); // balances the in-flight count taken when prev was held
      return;
    }
    this.inFlight += 1;
    const timer = setTimeout(() => {
      this.held.delete(pbx.id);
      this.enqueue(pbx, rec);
      this.done();
    }, 50);
    timer.unref();
    this.held.set(pbx.id, {
      rec,
      timer,
    });
  }

  private enqueue(pbx: Pbx, rec: DeliveryRecord): void {
    this.inFlight += 1;
    const prev = this.chains.get(pbx.id) ?? Promise.resolve();
    const next = prev.then(() => this.attempt(pbx, rec)).finally(() => this.done());
    this.chains.set(
      pbx.id,
      next.catch(() => undefined),
    );
  }

  private done(decrement = 1): void {
    this.inFlight -= decrement;
    if (this.inFlight <= 0 && this.held.size === 0) {
      this.inFlight = 0;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  private async attempt(pbx: Pbx, rec: DeliveryRecord): Promise<void> {
    // Re-resolve the URL: the webhook may have been changed (control API) while this delivery waited.
    rec.url = joinUrl(pbx.eventsBaseUrl, rec.path);
    const body = new URLSearchParams({
      vpbx_api_key: pbx.apiKey,
      sign: mangoSign(pbx.apiKey, rec.json, pbx.salt),
      json: rec.json,
    });
    const latency = this.state.settings.faults.webhookLatencyMs;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const attempt: DeliveryAttempt = { at: this.clock.now(), status: null };
    rec.attempts.push(attempt);
    try {
      const res = await fetch(rec.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        signal: AbortSignal.timeout(this.state.settings.delivery.timeoutMs),
      });
      attempt.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        rec.delivered = true;
        return;
      }
      attempt.error = `HTTP ${res.status}`;
    } catch (err) {
      attempt.error = err instanceof Error ? err.message : String(err);
    }
    this.scheduleRetry(pbx, rec);
  }

  private scheduleRetry(pbx: Pbx, rec: DeliveryRecord): void {
    const delays = this.state.settings.delivery.retryDelaysMs;
    const delay = delays[rec.attempts.length - 1];
    if (delay === undefined) {
      rec.gaveUp = true;
      return;
    }
    this.clock.schedule(this.clock.now() + delay, () => this.enqueue(pbx, rec));
  }
}
