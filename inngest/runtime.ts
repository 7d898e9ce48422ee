import { getDb, getJobsDb } from "@/db";
import { env } from "@/server/config/env";
import type { JobQueue } from "@/server/jobs/queue";
import { logger } from "@/server/log/logger";
import { createInngestClient, type InngestClient } from "./client";
import { createLocalQueue } from "./local/queue";
import { createLocalWorker } from "./local/worker";
import { createInngestQueue, sweepOutbox } from "./outbox";
import { jobDefinitions } from "./registry";

type Runtime = { queue: JobQueue; inngest: InngestClient | null; stop(): Promise<void> };
const g = globalThis as unknown as { amangoJobs?: Promise<Runtime> };

export function appInngestClient(): InngestClient {
  const e = env();
  return createInngestClient({
    eventKey: e.INNGEST_EVENT_KEY,
    baseUrl: e.INNGEST_BASE_URL,
    isDev: Boolean(e.INNGEST_DEV),
  });
}

/**
 * The process's job runtime, chosen by environment: Inngest when INNGEST_EVENT_KEY or INNGEST_DEV is set
 * (plus an in-process sweeper re-sending what Inngest did not accept), else the local database poller.
 */
export function jobRuntime(): Promise<Runtime> {
  g.amangoJobs ??= (async () => {
    const e = env();
    // Enqueues come from requests (web pool); handlers, the poller and the sweeper use the jobs pool.
    const db = await getDb();
    const jobsDb = await getJobsDb();
    const background = !e.JOBS_DISABLED;
    if (e.jobDriver === "inngest") {
      const inngest = appInngestClient();
      const timer = background
        ? setInterval(
            () =>
              void sweepOutbox(jobsDb, inngest).catch((err) =>
                logger.warn({ err: String(err) }, "outbox sweep failed"),
              ),
            15_000,
          )
        : undefined;
      logger.info({ driver: "inngest" }, "job runtime started");
      return { queue: createInngestQueue(db, inngest), inngest, stop: async () => clearInterval(timer) };
    }
    const worker = createLocalWorker({
      db: jobsDb,
      definitions: jobDefinitions,
      batchSize: e.JOBS_CONCURRENCY,
      leaseMs: e.JOBS_LEASE_MS,
    });
    if (background) worker.start(e.JOBS_POLL_MS);
    logger.info({ driver: "local", polling: background }, "job runtime started");
    return { queue: createLocalQueue(db), inngest: null, stop: () => worker.stop() };
  })();
  return g.amangoJobs;
}
