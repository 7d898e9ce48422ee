import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";
import type { JobDefinition } from "@/server/jobs/define";
import { jobRunFields } from "@/server/jobs/runs";
import { maskPayload } from "@/server/log/mask";
import { admitRejection } from "./rejections";

const MAX_KEPT_BODY = 4096;

/**
 * Records a rejected webhook (inbox row + journal entry) within its source's budget (./rejections.ts):
 * beyond it the rejection is only counted, and null is returned.
 */
export async function recordRejectedWebhook(
  db: Db,
  r: {
    tenantId: string | null;
    provider: string;
    kind: string;
    reason: string;
    raw: string;
    /** The sender's client address (./client-address.ts); "unknown" when the caller has none. */
    address?: string;
    at?: Date;
  },
): Promise<string | null> {
  const admitted = await admitRejection(db, {
    tenantId: r.tenantId,
    provider: r.provider,
    address: r.address ?? "unknown",
    reason: r.reason,
    at: r.at ?? new Date(),
  });
  if (!admitted) return null;
  const body = r.raw.length > MAX_KEPT_BODY ? `${r.raw.slice(0, MAX_KEPT_BODY)}…` : r.raw;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookInbox)
      .values({
        tenantId: r.tenantId,
        provider: r.provider,
        kind: r.kind,
        status: "rejected",
        reason: r.reason,
        payload: { raw: body },
      })
      .returning({ id: webhookInbox.id });
    await recordActivity(tx as unknown as Db, {
      tenantId: r.tenantId,
      source: "webhook",
      sourceId: row!.id,
      kind: `${r.provider}.${r.kind}`,
      status: "rejected",
      reason: r.reason,
      payload: { raw: body },
    });
    return row!.id;
  });
}

const sealContext = (tenantId: string, inboxId: string) => `tenant:${tenantId}:webhook_inbox:${inboxId}`;

/**
 * Stores an accepted event once per provider identity; `created` is false for a redelivery. The event is
 * kept masked in `payload` (what support reads) and sealed whole in `sealed_payload` (what its job reads,
 * `readAcceptedEvent`): no full phone number or secret field sits in the inbox in plaintext.
 */
export async function storeAcceptedWebhook(
  db: Db,
  r: {
    tenantId: string;
    provider: string;
    kind: string;
    eventKey: string;
    payload: unknown;
    subject?: string;
    subjectKey?: string;
  },
  keyring: Keyring = appKeyring(),
) {
  const id = randomUUID();
  const sealed = seal(keyring, JSON.stringify(r.payload), sealContext(r.tenantId, id));
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookInbox)
      .values({
        id,
        tenantId: r.tenantId,
        provider: r.provider,
        kind: r.kind,
        eventKey: r.eventKey,
        status: "accepted",
        payload: maskPayload(r.payload) as object,
        sealedPayload: sealed.ciphertext,
        sealedKeyId: sealed.keyId,
      })
      .onConflictDoNothing()
      .returning();
    if (created) {
      await recordActivity(tx as unknown as Db, {
        tenantId: r.tenantId,
        source: "webhook",
        sourceId: created.id,
        kind: `${r.provider}.${r.kind}`,
        status: "received",
        subject: r.subject ?? null,
        subjectKey: r.subjectKey ?? null,
        payload: r.payload,
      });
      return { row: created, created: true };
    }
    const [existing] = await tx
      .select()
      .from(webhookInbox)
      .where(
        and(
          eq(webhookInbox.tenantId, r.tenantId),
          eq(webhookInbox.provider, r.provider),
          eq(webhookInbox.eventKey, r.eventKey),
        ),
      );
    return { row: existing!, created: false };
  });
}

/** The journal's reason on an accepted webhook handed to its job. */
export const ACCEPTED_REASON = "принято, передано в обработку";

export type AcceptedWebhook =
  | { created: true; inboxId: string; run: { id: string; updatedAt: Date; payload: unknown } }
  | { created: false; inboxId: string | null; jobRunId: string | null };

/**
 * The accepted webhook's one write, in ONE statement (one round trip, its own implicit transaction): the
 * inbox row (masked + sealed, unique per provider identity), its job run (idempotency key `inbox:<id>`; for
 * the Inngest driver this row is the outbox entry) and the journal entries of both. A redelivery inserts
 * nothing — no second inbox row, run or entry — and the same statement answers the first row's id and run.
 * The ids are made here, so the sealed event and the job's payload can name the inbox row before it exists.
 */
export async function acceptWebhook<P>(
  db: Db,
  r: {
    tenantId: string;
    provider: string;
    kind: string;
    eventKey: string;
    event: unknown;
    subject?: string;
    subjectKey: string;
    job: JobDefinition<P>;
    jobPayload: (inboxId: string) => P;
    driver: "local" | "inngest";
  },
  keyring: Keyring = appKeyring(),
): Promise<AcceptedWebhook> {
  const inboxId = randomUUID();
  const runId = randomUUID();
  const sealed = seal(keyring, JSON.stringify(r.event), sealContext(r.tenantId, inboxId));
  const run = jobRunFields(r.job, r.jobPayload(inboxId), { tenantId: r.tenantId });
  const json = (v: unknown) => JSON.stringify(v ?? null);
  const webhookKind = `${r.provider}.${r.kind}`;
  const result = await db.execute(sql`
    with inbox as (
      insert into webhook_inbox
        (id, tenant_id, provider, kind, event_key, status, payload, sealed_payload, sealed_key_id, job_run_id)
      values (${inboxId}::uuid, ${r.tenantId}::uuid, ${r.provider}, ${r.kind}, ${r.eventKey}, 'accepted',
        ${json(maskPayload(r.event))}::jsonb, ${sealed.ciphertext}, ${sealed.keyId}, ${runId})
      on conflict do nothing
      returning id
    ), run as (
      insert into job_runs
        (id, tenant_id, job_id, payload, idempotency_key, driver, max_attempts, run_at, concurrency_key)
      select ${runId}::uuid, ${r.tenantId}::uuid, ${r.job.id}::text, ${json(run.parsed)}::jsonb, 'inbox:' || inbox.id::text,
        ${r.driver}::job_driver, ${run.maxAttempts}::int, ${run.runAt.toISOString()}::timestamptz,
        ${run.concurrencyKey}::text
      from inbox
      returning id, updated_at
    ), journal as (
      insert into activity_log (tenant_id, source, source_id, kind, status, subject, subject_key, reason, payload)
      select ${r.tenantId}::uuid, 'webhook'::activity_source, inbox.id, ${webhookKind}::text, 'done'::activity_status,
        ${r.subject ?? null}::text, ${r.subjectKey}::text, ${ACCEPTED_REASON}::text, ${json(maskPayload(r.event))}::jsonb
      from inbox
      union all
      select ${r.tenantId}::uuid, 'job'::activity_source, run.id, ${r.job.id}::text, 'queued'::activity_status,
        ${r.job.subject?.(run.parsed) ?? null}::text, ${r.subjectKey}::text, null::text, ${json(maskPayload(run.parsed))}::jsonb
      from run
    )
    select true as created, ${inboxId}::uuid as inbox_id, run.id as run_id, run.updated_at from run
    union all
    select false, w.id, w.job_run_id, null from webhook_inbox w
    where not exists (select 1 from run)
      and w.tenant_id = ${r.tenantId}::uuid and w.provider = ${r.provider} and w.event_key = ${r.eventKey}
  `);
  const [row] = rowsOf<{
    created: boolean;
    inbox_id: string | null;
    run_id: string | null;
    updated_at: Date | string | null;
  }>(result);
  if (row?.created) {
    return {
      created: true,
      inboxId,
      run: { id: row.run_id!, updatedAt: new Date(row.updated_at!), payload: run.parsed },
    };
  }
  // A redelivery (or one racing the first delivery, still uncommitted when this statement began: then the
  // row is not visible to it, and the caller reads it).
  return { created: false, inboxId: row?.inbox_id ?? null, jobRunId: row?.run_id ?? null };
}

export async function markWebhookEnqueued(
  db: Db,
  r: { inboxId: string; tenantId: string; jobRunId: string; kind: string },
) {
  await db.transaction(async (tx) => {
    await tx
      .update(webhookInbox)
      .set({ jobRunId: r.jobRunId })
      .where(and(eq(webhookInbox.id, r.inboxId), eq(webhookInbox.tenantId, r.tenantId)));
    await recordActivity(tx as unknown as Db, {
      tenantId: r.tenantId,
      source: "webhook",
      sourceId: r.inboxId,
      kind: r.kind,
      status: "done",
      reason: ACCEPTED_REASON,
    });
  });
}

/**
 * The accepted event as it was received, opened from its inbox row; null when the row is gone (pruned) or
 * was stored before events were sealed.
 */
export async function readAcceptedEvent(
  db: Db,
  { tenantId, inboxId }: { tenantId: string; inboxId: string },
  keyring: Keyring = appKeyring(),
): Promise<unknown | null> {
  const [row] = await db
    .select({ ciphertext: webhookInbox.sealedPayload, keyId: webhookInbox.sealedKeyId })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.id, inboxId), eq(webhookInbox.tenantId, tenantId)));
  if (!row?.ciphertext || !row.keyId) return null;
  return JSON.parse(
    open(keyring, { ciphertext: row.ciphertext, keyId: row.keyId }, sealContext(tenantId, inboxId)),
  );
}
