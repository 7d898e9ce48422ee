import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { backoffMs, type JobDefinition } from "@/server/jobs/define";
import { markRunning, recordAttempt, runHandler } from "@/server/jobs/runs";
import { logger } from "@/server/log/logger";
import { type ClaimedRun, claimDueRuns } from "./claim";
import { scheduleCronSlots } from "./cron";
import { DEFAULT_LEASE_MS, type HeldLease, renewLeases } from "./lease";
import { createLocalQueue } from "./queue";

export type LocalWorkerOptions = {
  db: Db;
  definitions: JobDefinition[];
  workerId?: string;
  /** How long a claimed run stays this worker's without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often the leases of the runs in flight are renewed (default a third of the lease). */
  heartbeatMs?: number;
  batchSize?: number;
  now?: () => Date;
  random?: () => number;
};

/** The database-backed job driver's executor: one tick = schedule cron slots, claim due runs, run them. */
export function createLocalWorker(opts: LocalWorkerOptions) {
  const definitions = new Map(opts.definitions.map((d) => [d.id, d]));
  const workerId = opts.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const now = opts.now ?? (() => new Date());
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = opts.heartbeatMs ?? Math.floor(leaseMs / 3);
  const queue = createLocalQueue(opts.db, now);

  // The runs this worker is executing, renewed together by one UPDATE per heartbeat while any is in flight.
  const held = new Map<string, HeldLease>();
  let heartbeat: NodeJS.Timeout | undefined;
  async function renew(): Promise<void> {
    const runs = [...held.values()];
    if (runs.length === 0) return;
    const renewed = await renewLeases(opts.db, { workerId, runs, now: now(), leaseMs });
    for (const r of runs)
      if (!renewed.has(r.id) && held.get(r.id) === r) {
        // Another worker took the run over after our lease lapsed: our result will be refused.
        held.delete(r.id);
        logger.warn({ runId: r.id, attempt: r.attempt, workerId }, "job run lease lost");
      }
  }
  function hold(run: ClaimedRun): HeldLease {
    const lease = { id: run.id, attempt: run.attempts };
    held.set(run.id, lease);
    heartbeat ??= setInterval(() => {
      renew().catch((err) => logger.error({ err: String(err), workerId }, "job lease heartbeat failed"));
    }, heartbeatMs);
    heartbeat.unref?.();
    return lease;
  }
  function release(lease: HeldLease): void {
    if (held.get(lease.id) === lease) held.delete(lease.id);
    if (held.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }

  async function execute(run: ClaimedRun): Promise<void> {
    const lease = hold(run);
    try {
      await executeHeld(run);
    } finally {
      release(lease);
    }
  }

  async function executeHeld(run: ClaimedRun): Promise<void> {
    const def = definitions.get(run.jobId);
    const at = now();
    const guard = { owner: workerId, attempt: run.attempts };
    if (!def) {
      const missing = { id: run.jobId, options: {} } as JobDefinition;
      const reason = `no job definition "${run.jobId}" in this build`;
      await recordAttempt(
        opts.db,
        missing,
        run,
        run.attempts,
        { kind: "failed", reason, retriable: false },
        { retryAt: null, now: at, lease: guard },
      );
      return;
    }
    if (run.attempts > run.maxAttempts) {
      // Its lease expired after the last allowed attempt: the process running it died.
      const result = {
        kind: "failed",
        reason: "the last attempt did not finish (lease expired)",
        retriable: false,
      } as const;
      await recordAttempt(opts.db, def, run, run.maxAttempts, result, {
        retryAt: null,
        now: at,
        lease: { owner: workerId, attempt: run.attempts },
      });
      return;
    }
    await markRunning(opts.db, def, run, run.attempts);
    const result = await runHandler(opts.db, def, run, run.attempts, queue);
    const canRetry = result.kind === "failed" && result.retriable && run.attempts < run.maxAttempts;
    const retryAt = canRetry ? new Date(now().getTime() + backoffMs(run.attempts, opts.random)) : null;
    const recorded = await recordAttempt(opts.db, def, run, run.attempts, result, {
      retryAt,
      now: now(),
      lease: guard,
    });
    if (!recorded)
      logger.warn(
        { runId: run.id, jobId: run.jobId, attempt: run.attempts, workerId },
        "job run finished after its lease was taken over: result not recorded",
      );
  }

  const maxInFlight = opts.batchSize ?? 10;
  // The cron slots this worker has inserted (scheduleCronSlots): written once per slot, not once per poll.
  const cronSlots = new Map<string, number>();
  const claim = (limit: number) =>
    claimDueRuns(opts.db, { workerId, now: now(), leaseMs, limit, definitions });

  /** One polling round that waits for what it claimed; returns how many runs it executed (tests, drains). */
  async function tick(): Promise<number> {
    await scheduleCronSlots(opts.db, definitions.values(), now(), cronSlots);
    const claimed = await claim(maxInFlight);
    await Promise.all(claimed.map(execute));
    return claimed.length;
  }

  // The background loop keeps up to `maxInFlight` runs going and claims more as soon as a slot frees, instead
  // of waiting for a whole batch: one long run (a bulk "apply to current deals" slice) must not hold back the
  // call logging and SMS runs queued behind it.
  const inFlight = new Set<Promise<void>>();
  async function poll(): Promise<number> {
    await scheduleCronSlots(opts.db, definitions.values(), now(), cronSlots);
    const free = maxInFlight - inFlight.size;
    if (free <= 0) return 0;
    const claimed = await claim(free);
    for (const run of claimed) {
      const p: Promise<void> = execute(run)
        .catch((err) => logger.error({ err: String(err), jobId: run.jobId }, "job run failed to record"))
        .finally(() => {
          inFlight.delete(p);
          // A finished run frees a slot and may make the next run of its order key due: look again now
          // while work was found, instead of waiting out the polling interval.
          if (busy) kick();
        });
      inFlight.add(p);
    }
    return claimed.length;
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let pollMs = 1000;
  // The last poll found work: poll again as soon as a slot frees (or at once), not after `pollMs`.
  let busy = false;
  let polling = false;
  let again = false;
  async function loop(): Promise<void> {
    if (stopped) return;
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const round = poll().catch((err) => {
      logger.error({ err: String(err) }, "job poller tick failed");
      return 0;
    });
    running = round;
    const claimed = await round;
    polling = false;
    busy = claimed > 0;
    if (stopped) return;
    const soon = again || (busy && inFlight.size < maxInFlight);
    again = false;
    timer = setTimeout(loop, soon ? 0 : pollMs);
  }
  function kick(): void {
    if (stopped) return;
    if (polling) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(loop, 0);
  }

  return {
    workerId,
    tick,
    /** Renews the leases of the runs in flight now (the heartbeat does this every `heartbeatMs`). */
    renewLeases: renew,
    /** How many runs the background loop is executing now. */
    inFlight: () => inFlight.size,
    /**
     * Polls every `pollMs` while idle, and at once while it finds work (after a claim, and whenever a run
     * finishes), until stopped; errors are logged and the loop goes on.
     */
    start(every: number) {
      stopped = false;
      pollMs = every;
      timer = setTimeout(loop, 0);
    },
    /** Stops polling and waits for the runs already started. */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await Promise.all([...inFlight]);
    },
  };
}
