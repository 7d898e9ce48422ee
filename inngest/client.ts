import { Inngest } from "inngest";

export const INNGEST_APP_ID = "amango";

/** Event name that starts a job definition's Inngest function. */
export const jobEventName = (jobId: string) => `amango/job.${jobId}`;

/**
 * Inngest Cloud when INNGEST_EVENT_KEY is set; a self-hosted or dev server via INNGEST_BASE_URL / INNGEST_DEV.
 * `fetch` is injectable so tests can point it at a local stub of the event API.
 */
export function createInngestClient(opts: {
  eventKey?: string;
  baseUrl?: string;
  isDev?: boolean;
  fetch?: typeof fetch;
}) {
  return new Inngest({
    id: INNGEST_APP_ID,
    eventKey: opts.eventKey,
    baseUrl: opts.baseUrl,
    isDev: opts.isDev,
    fetch: opts.fetch,
  });
}

export type InngestClient = ReturnType<typeof createInngestClient>;
