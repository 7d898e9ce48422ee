import { NonRetriableError as InngestNonRetriable } from "inngest";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { JobDefinition } from "@/server/jobs/define";
import {
  insertJobRun,
  markRunning,
  parkRun,
  recordAttempt,
  runHandler,
  tenantIsActive,
} from "@/server/jobs/runs";
import { type InngestClient, jobEventName } from "./client";
import { createInngestQueue } from "./outbox";

const jobEventData = z.object({ runId: z.uuid(), tenantId: z.uuid().nullable(), payload: z.unknown() });

/**
 * Each job definition becomes one Inngest function. Inngest owns retries, concurrency, throttling and
 * cron; the run row and the journal are updated from inside the step, so both drivers leave the same trail.
 */
export function toInngestFunction(inngest: InngestClient, def: JobDefinition, getDb: () => Promise<Db>) {
  const retries = def.options.retries ?? 4;
  const { concurrency, rate, cron } = def.options;
  return inngest.createFunction(
    {
      id: def.id,
      name: def.title,
      retries: retries as 0,
      concurrency: concurrency
        ? {
            limit: concurrency.limit,
            key: concurrency.perTenant === false ? undefined : "event.data.tenantId",
          }
        : undefined,
      throttle: rate
        ? { limit: rate.limit, period: `${rate.periodSeconds}s`, key: "event.data.tenantId" }
        : undefined,
      triggers: cron ? [{ cron }] : [{ event: jobEventName(def.id) }],
    },
    async ({ event, step, attempt }) => {
      const db = await getDb();
      const run = cron
        ? await step.run("record-cron-run", async () => {
            const slot = new Date(event.ts ?? Date.now()).toISOString();
            const r = await insertJobRun(
              db,
              def,
              {},
              { tenantId: null, idempotencyKey: `cron:${slot}`, driver: "inngest" },
            );
            return { id: r.runId, tenantId: null, payload: {} };
          })
        : await parseEvent(db, def, event.data);

      if (run.tenantId && !(await step.run("check-tenant-active", () => tenantIsActive(db, run.tenantId!)))) {
        // Paused: back to the outbox; the sweeper sends it again once the tenant is active.
        await step.run("park-run", () => parkRun(db, run.id));
        return { kind: "paused" as const };
      }
      return step.run(def.id, async () => {
        const n = attempt + 1;
        await markRunning(db, def, run, n);
        const result = await runHandler(db, def, run, n, createInngestQueue(db, inngest));
        const willRetry = result.kind === "failed" && result.retriable && attempt < retries;
        // Inngest decides the actual retry time; the journal says "retrying" without a fixed time.
        await recordAttempt(db, def, run, n, result, { retryAt: willRetry ? new Date() : null });
        if (result.kind === "failed") {
          throw willRetry ? new Error(result.reason) : new InngestNonRetriable(result.reason);
        }
        return result;
      });
    },
  );
}

/** A malformed event can never succeed: fail it at once, and on its run row if it names one. */
async function parseEvent(db: Db, def: JobDefinition, data: unknown) {
  const envelope = jobEventData.safeParse(data);
  if (!envelope.success) throw new InngestNonRetriable(`malformed job event: ${envelope.error.message}`);
  const { runId, tenantId } = envelope.data;
  const payload = def.payload.safeParse(envelope.data.payload);
  if (!payload.success) {
    const reason = `invalid payload: ${payload.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`;
    await recordAttempt(
      db,
      def,
      { id: runId, tenantId },
      1,
      { kind: "failed", reason, retriable: false },
      { retryAt: null },
    );
    throw new InngestNonRetriable(reason);
  }
  return { id: runId, tenantId, payload: payload.data };
}
