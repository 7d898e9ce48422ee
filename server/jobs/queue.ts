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

/** The port the domain enqueues through; `inngest/` provides the drivers, `app/` wires one in. */
export interface JobQueue {
  readonly driver: "local" | "inngest";
  enqueue<P>(job: JobDefinition<P>, payload: P, opts: EnqueueOptions): Promise<EnqueueResult>;
  /** Puts a failed run back in the queue with fresh attempts (the journal's "Повторить"). */
  retry(run: { runId: string; tenantId: string }): Promise<boolean>;
}
