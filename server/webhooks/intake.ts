import type { z } from "zod";
import type { Db } from "@/db/client";
import type { JobDefinition } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { loggerFor } from "@/server/log/logger";
import { clientAddress } from "./client-address";
import { acceptWebhook, markWebhookEnqueued, recordRejectedWebhook, storeAcceptedWebhook } from "./inbox";
import { keptRejectedBody, keptRejectedReason, readBodyWithin, toJsonbSafe } from "./safe-body";

const MAX_BODY_BYTES = 1_000_000;

export type WebhookSpec<E, P> = {
  provider: string;
  kind: string;
  /** Constant-time check of the raw body (and headers); false → 401. */
  verify(raw: string, headers: Headers): boolean | Promise<boolean>;
  /** Raw body → unknown (JSON, form fields …); may throw on garbage. */
  decode(raw: string, headers: Headers): unknown;
  schema: z.ZodType<E>;
  /** The provider's identity of this event: a redelivery has the same one. */
  eventKey(event: E): string;
  subject?(event: E): string | undefined;
  /**
   * The owner's journal group of this event and its job (`call:<entry_id>`, `lead:<id>@<occurrence>` …);
   * default `<provider>.<kind>:<event key>`, so a receipt and its run fold into one row.
   */
  subjectKey?(event: E): string | undefined;
  /**
   * A valid event of this tenant that nothing waits for (e.g. amoCRM's `status_lead` reports every stage
   * move, rules only wait for some): its reason → answered 200 and not stored, so the inbox and the journal
   * are not flooded. Null → stored and enqueued as usual.
   */
  ignore?(event: E): string | null;
  job: JobDefinition<P>;
  /** Called once the event is stored and queued for the first time (not for a redelivery). */
  onAccepted?(event: E): void;
  toJobPayload(event: E, inboxId: string): P;
};

export type IntakeDeps = {
  db: Db;
  queue: JobQueue;
  /** The clock of the rejection budget's minutes (tests fix it). */
  now?: () => Date;
};

const json = (status: number, body: unknown) => Response.json(body, { status });
const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
/** Stands for the inbox row's id when checking a job payload before the row exists. */
export const PROBE_INBOX_ID = "00000000-0000-4000-8000-000000000000";

/**
 * The one webhook path for every provider: raw body → verify → decode + validate → ONE statement storing
 * the event once per provider identity with its job run and journal entries (./inbox.ts `acceptWebhook`)
 * → answer. Rejections are answered 4xx and recorded; no job starts for them. A redelivery is answered 200
 * and not stored twice; if its first row has no run (stored before this path), it is enqueued now.
 */
export async function receiveWebhook<E, P>(
  req: Request,
  tenant: { id: string } | null,
  spec: WebhookSpec<E, P>,
  deps: IntakeDeps,
): Promise<Response> {
  const { db, queue } = deps;
  const log = loggerFor({ tenantId: tenant?.id ?? null }).child({ webhook: `${spec.provider}.${spec.kind}` });
  let raw = "";
  const reject = async (status: number, reason: string) => {
    const kept = keptRejectedReason(reason);
    await recordRejectedWebhook(db, {
      tenantId: tenant?.id ?? null,
      provider: spec.provider,
      kind: spec.kind,
      reason: kept,
      // Only what support needs: secrets censored, phones masked, characters jsonb refuses replaced.
      raw: keptRejectedBody(raw),
      // Recorded at a bounded rate per sender and address; beyond it only counted (./rejections.ts).
      address: clientAddress(req.headers),
      at: deps.now?.() ?? new Date(),
    });
    log.warn({ status, reason: kept }, "webhook rejected");
    return json(status, { error: reason });
  };

  // Nothing is read for an unknown address, and no more than the limit for a known one.
  if (!tenant) return reject(404, "unknown webhook address");
  const body = await readBodyWithin(req, MAX_BODY_BYTES);
  if (body === null) return reject(413, "body too large");
  raw = body;
  if (!(await spec.verify(raw, req.headers))) return reject(401, "invalid signature");

  let decoded: unknown;
  try {
    decoded = toJsonbSafe(spec.decode(raw, req.headers));
  } catch (err) {
    return reject(400, `malformed body: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = spec.schema.safeParse(decoded);
  if (!parsed.success) return reject(400, `invalid payload: ${issuesOf(parsed.error)}`);
  // The job must accept what it will be given: checked before storing, so an accepted event is always queued.
  const jobCheck = spec.job.payload.safeParse(spec.toJobPayload(parsed.data, PROBE_INBOX_ID));
  if (!jobCheck.success) return reject(400, `invalid payload: ${issuesOf(jobCheck.error)}`);

  const event = parsed.data;
  const ignored = spec.ignore?.(event) ?? null;
  if (ignored) return json(200, { status: "ignored", reason: ignored });
  const subjectKey = spec.subjectKey?.(event) ?? `${spec.provider}.${spec.kind}:${spec.eventKey(event)}`;
  const eventKey = spec.eventKey(event);
  // The accepted path's one write: inbox row + job run (the Inngest outbox) + journal, one statement.
  const accepted = await acceptWebhook(db, {
    tenantId: tenant.id,
    provider: spec.provider,
    kind: spec.kind,
    eventKey,
    event,
    subject: spec.subject?.(event),
    subjectKey,
    job: spec.job,
    jobPayload: (inboxId) => spec.toJobPayload(event, inboxId),
    driver: queue.driver,
  });
  if (accepted.created) {
    queue.written?.({
      id: accepted.run.id,
      tenantId: tenant.id,
      jobId: spec.job.id,
      payload: accepted.run.payload,
      updatedAt: accepted.run.updatedAt,
    });
    spec.onAccepted?.(event);
    return json(200, { status: "accepted", id: accepted.inboxId });
  }
  if (accepted.inboxId && accepted.jobRunId) return json(200, { status: "duplicate", id: accepted.inboxId });

  // A redelivery whose first row has no run yet (stored before the one-statement intake and never
  // enqueued), or whose first delivery was still committing: the slow path, safe by the idempotency key.
  const { row } = await storeAcceptedWebhook(db, {
    tenantId: tenant.id,
    provider: spec.provider,
    kind: spec.kind,
    eventKey,
    payload: event,
    subject: spec.subject?.(event),
    subjectKey,
  });
  if (row.jobRunId) return json(200, { status: "duplicate", id: row.id });
  const { runId } = await queue.enqueue(spec.job, spec.toJobPayload(event, row.id), {
    tenantId: tenant.id,
    idempotencyKey: `inbox:${row.id}`,
    subjectKey,
  });
  await markWebhookEnqueued(db, {
    inboxId: row.id,
    tenantId: tenant.id,
    jobRunId: runId,
    kind: `${spec.provider}.${spec.kind}`,
  });
  return json(200, { status: "duplicate", id: row.id });
}
