import type { Db } from "@/db/client";
import type { JobQueue } from "@/server/jobs/queue";
import { insertJobRun, resetFailedRun } from "@/server/jobs/runs";

/** Enqueue = a durable row; the local worker picks it up. */
export function createLocalQueue(db: Db, clock: () => Date = () => new Date()): JobQueue {
  return {
    driver: "local",
    async enqueue(job, payload, opts) {
      const { runId, created } = await insertJobRun(db, job, payload, {
        ...opts,
        driver: "local",
        now: clock(),
      });
      return { runId, created };
    },
    async retry(run) {
      return (await resetFailedRun(db, run)) !== null;
    },
  };
}
