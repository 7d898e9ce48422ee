import type { JobDefinition } from "./define";

export type EnqueueOptions = {
  /** The tenant the work is for; null only for global work (cron). Never taken from user input. */
  tenantId: string | null;
  /** Same key for the same intent: enqueuing it again returns the first run instead of a new one. */
  idempotencyKey: string;
  delaySeconds?: number;
  /** The owner's journal group of this run (see `activity_log.subject_key`); else the definition's own. */
  subjectKey?: string;
};

export type EnqueueResult = { runId: string; created: boolean };

/** A run row written by someone else's statement (the webhook intake's), for the driver to hand on. */
export type WrittenRun = {
  id: string;
  tenantId: string | null;
  jobId: string;
  payload: unknown;
  updatedAt: Date;
};

/** The port the domain enqueues through; `inngest/` provides the drivers, `app/` wires one in. */
export interface JobQueue {
  readonly driver: "local" | "inngest";
  enqueue<P>(job: JobDefinition<P>, payload: P, opts: EnqueueOptions): Promise<EnqueueResult>;
  /** Puts a failed run back in the queue with fresh attempts (the journal's "Повторить"). */
  retry(run: { runId: string; tenantId: string }): Promise<boolean>;
  /**
   * Called once the intake's own statement wrote a run of this driver (`driver`): the local poller needs
   * nothing; the Inngest queue sends the event, off the request (a failed send stays in the outbox).
   */
  written?(run: WrittenRun): void;
}
