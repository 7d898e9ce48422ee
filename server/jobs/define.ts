import type { z } from "zod";
import type { Db } from "@/db/client";
import type { Logger } from "@/server/log/logger";
import type { JobQueue } from "./queue";

/** What a handler may report besides success. Throwing means failure (retried unless non-retriable). */
export type JobOutcome = { status: "done"; result?: unknown } | { status: "skipped"; reason: string };

export type JobContext = {
  db: Db;
  tenantId: string | null;
  runId: string;
  /** 1-based attempt number. */
  attempt: number;
  log: Logger;
  /** To fan out follow-up work (with its own idempotency keys), on the same driver. */
  queue: JobQueue;
};

export type JobOptions = {
  /** Retries after the first attempt (default 4 → 5 attempts). */
  retries?: number;
  /** At most `limit` runs at once per key (default key: the tenant). */
  concurrency?: { limit: number; perTenant?: boolean };
  /** At most `limit` starts per `periodSeconds`, per tenant. */
  rate?: { limit: number; periodSeconds: number };
  /** Cron expression (UTC). Cron jobs take an empty payload and no tenant. */
  cron?: string;
};

export type JobDefinition<P = unknown> = {
  id: string;
  /** What a person reads in the journal, e.g. "Отправка SMS". */
  title: string;
  payload: z.ZodType<P>;
  /** A subject shown in the journal, derived from the payload (mask phone numbers). */
  // Method syntax on purpose: a JobDefinition<P> must fit where any definition is listed.
  subject?(payload: P): string | undefined;
  /** The owner's journal group of a run, when the payload names it (an enqueue may pass its own). */
  subjectKey?(payload: P): string | undefined;
  /**
   * Runs with the same order key (within a tenant) run one at a time, in the order they were enqueued, and
   * apart from the definition's `concurrency` (which still bounds the runs without a key): e.g. one call's
   * MANGO events in order while different calls run in parallel.
   */
  orderKey?(payload: P): string | undefined;
  handler(payload: P, ctx: JobContext): Promise<JobOutcome | undefined>;
  options: JobOptions;
};

/** Provider-neutral: the same definition runs on Inngest or on the local database driver. */
export function defineJob<S extends z.ZodType>(def: {
  id: string;
  title: string;
  payload: S;
  subject?: (payload: z.infer<S>) => string | undefined;
  subjectKey?: (payload: z.infer<S>) => string | undefined;
  orderKey?: (payload: z.infer<S>) => string | undefined;
  handler: (payload: z.infer<S>, ctx: JobContext) => Promise<JobOutcome | undefined>;
  options?: JobOptions;
}): JobDefinition<z.infer<S>> {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(def.id)) throw new Error(`job id "${def.id}" must be lower-case dotted`);
  return { ...def, payload: def.payload as z.ZodType<z.infer<S>>, options: def.options ?? {} };
}

/** Fails the run at once, no retries; the message is the reason a person reads. */
export class NonRetriableError extends Error {
  override name = "NonRetriableError";
}

/** A run that cannot be done now but is not an error (e.g. the tenant must reconnect). */
export class SkipJobError extends Error {
  override name = "SkipJobError";
}

export const maxAttemptsOf = (def: JobDefinition<never> | JobDefinition) => (def.options.retries ?? 4) + 1;

/** Exponential backoff with full jitter: ~2^attempt seconds, capped at one hour. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3_600_000, 1000 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}
