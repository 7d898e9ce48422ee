import { and, count, desc, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ActivityStatus, activityLog, jobRuns, webhookInbox } from "@/db/schema";

export type ActivityFilter = {
  tenantId: string;
  statuses?: ActivityStatus[];
  kind?: string;
  from?: Date;
  to?: Date;
  /** createdAt of the last entry of the previous page. */
  before?: Date;
  limit: number;
};

export async function listActivity(db: Db, f: ActivityFilter) {
  return db
    .select({
      id: activityLog.id,
      source: activityLog.source,
      kind: activityLog.kind,
      subject: activityLog.subject,
      status: activityLog.status,
      reason: activityLog.reason,
      attempts: activityLog.attempts,
      nextRetryAt: activityLog.nextRetryAt,
      createdAt: activityLog.createdAt,
      updatedAt: activityLog.updatedAt,
    })
    .from(activityLog)
    .where(
      and(
        eq(activityLog.tenantId, f.tenantId),
        f.statuses?.length ? inArray(activityLog.status, f.statuses) : undefined,
        f.kind ? eq(activityLog.kind, f.kind) : undefined,
        f.from ? gte(activityLog.createdAt, f.from) : undefined,
        f.to ? lte(activityLog.createdAt, f.to) : undefined,
        f.before ? lt(activityLog.createdAt, f.before) : undefined,
      ),
    )
    .orderBy(desc(activityLog.createdAt), desc(activityLog.id))
    .limit(f.limit);
}

/** One entry with what it points at (the job run's attempts, the inbox row's job); null if not this tenant's. */
export async function getActivity(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  const [entry] = await db
    .select()
    .from(activityLog)
    .where(and(eq(activityLog.tenantId, tenantId), eq(activityLog.id, id)));
  if (!entry) return null;
  if (entry.source === "job") {
    const [run] = await db
      .select({ maxAttempts: jobRuns.maxAttempts, jobStatus: jobRuns.status, finishedAt: jobRuns.finishedAt })
      .from(jobRuns)
      .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.id, entry.sourceId)));
    return { entry, job: run ?? null, relatedJobActivityId: null };
  }
  const [inbox] = await db
    .select({ jobRunId: webhookInbox.jobRunId })
    .from(webhookInbox)
    .where(and(eq(webhookInbox.tenantId, tenantId), eq(webhookInbox.id, entry.sourceId)));
  const [related] = inbox?.jobRunId
    ? await db
        .select({ id: activityLog.id })
        .from(activityLog)
        .where(
          and(
            eq(activityLog.tenantId, tenantId),
            eq(activityLog.source, "job"),
            eq(activityLog.sourceId, inbox.jobRunId),
          ),
        )
    : [];
  return { entry, job: null, relatedJobActivityId: related?.id ?? null };
}

export async function listActivityKinds(db: Db, { tenantId }: { tenantId: string }) {
  const rows = await db
    .selectDistinct({ kind: activityLog.kind })
    .from(activityLog)
    .where(eq(activityLog.tenantId, tenantId))
    .orderBy(activityLog.kind);
  return rows.map((r) => r.kind);
}

/** Queue depth for /api/health, across tenants (no tenant data leaves this function). */
export async function jobCounts(db: Db) {
  const rows = await db
    .select({ status: jobRuns.status, n: count() })
    .from(jobRuns)
    .where(inArray(jobRuns.status, ["queued", "running", "failed"]))
    .groupBy(jobRuns.status);
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { pending: (by.queued ?? 0) + (by.running ?? 0), failed: by.failed ?? 0 };
}

export async function pingDb(db: Db): Promise<boolean> {
  await db.execute(sql`select 1`);
  return true;
}
