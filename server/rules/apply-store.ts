import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type RuleApplicationCounters, type RuleApplicationRow, ruleApplications } from "@/db/schema";

/**
 * Queries of `rule_applications` (one row per run of a rule over its stage's current deals). The tenant is in
 * every `where`; the job, the tRPC procedures and `startApplyToCurrentDeals` all go through here.
 */

/**
 * A running application not touched for this long lost its job (its last attempt died without the handler,
 * or the tenant's jobs are paused): it is marked failed when its status is read or a new start comes.
 */
export const STALLED_AFTER_MS = 15 * 60_000;
export const STALLED_REASON = `Применение остановилось: нет прогресса ${STALLED_AFTER_MS / 60_000} минут — запустите снова`;

const own = (tenantId: string, id: string) =>
  and(eq(ruleApplications.tenantId, tenantId), eq(ruleApplications.id, id));

export async function getApplication(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  const [row] = await db.select().from(ruleApplications).where(own(tenantId, id));
  return row ?? null;
}

/** The latest application of a rule (running or finished), or null when it was never applied. */
export async function latestApplication(
  db: Db,
  { tenantId, ruleId }: { tenantId: string; ruleId: string },
): Promise<RuleApplicationRow | null> {
  const [row] = await db
    .select()
    .from(ruleApplications)
    .where(and(eq(ruleApplications.tenantId, tenantId), eq(ruleApplications.ruleId, ruleId)))
    .orderBy(desc(ruleApplications.createdAt))
    .limit(1);
  return row ?? null;
}

/** Marks the rule's running application failed when it has made no progress for `STALLED_AFTER_MS`. */
export async function failStalled(db: Db, { tenantId, ruleId }: { tenantId: string; ruleId: string }) {
  await db
    .update(ruleApplications)
    .set({ status: "failed", error: STALLED_REASON, finishedAt: new Date() })
    .where(
      and(
        eq(ruleApplications.tenantId, tenantId),
        eq(ruleApplications.ruleId, ruleId),
        eq(ruleApplications.status, "running"),
        lt(ruleApplications.updatedAt, new Date(Date.now() - STALLED_AFTER_MS)),
      ),
    );
}

/**
 * A new running application, or the running one when there is one (the partial unique index makes two
 * concurrent starts meet on one row). A running row silent for `STALLED_AFTER_MS` is marked failed first.
 */
export async function openApplication(
  db: Db,
  input: {
    tenantId: string;
    ruleId: string;
    pipelineId: number;
    statusId: number;
    startedByUserId: string | null;
  },
): Promise<{ row: RuleApplicationRow; created: boolean }> {
  const { tenantId, ruleId } = input;
  await failStalled(db, { tenantId, ruleId });
  const [created] = await db.insert(ruleApplications).values(input).onConflictDoNothing().returning();
  if (created) return { row: created, created: true };
  const [running] = await db
    .select()
    .from(ruleApplications)
    .where(
      and(
        eq(ruleApplications.tenantId, tenantId),
        eq(ruleApplications.ruleId, ruleId),
        eq(ruleApplications.status, "running"),
      ),
    );
  if (!running) throw new Error("rule application: neither inserted nor running");
  return { row: running, created: false };
}

/** Asks the running application of a rule to stop; false when none is running. */
export async function requestCancel(
  db: Db,
  { tenantId, ruleId }: { tenantId: string; ruleId: string },
): Promise<RuleApplicationRow | null> {
  const [row] = await db
    .update(ruleApplications)
    .set({ cancelRequested: true })
    .where(
      and(
        eq(ruleApplications.tenantId, tenantId),
        eq(ruleApplications.ruleId, ruleId),
        eq(ruleApplications.status, "running"),
      ),
    )
    .returning();
  return row ?? null;
}

export async function cancelRequested(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  const [row] = await db
    .select({ cancel: ruleApplications.cancelRequested })
    .from(ruleApplications)
    .where(own(tenantId, id));
  return row?.cancel ?? true;
}

export const countersOf = (row: RuleApplicationRow): RuleApplicationCounters => ({
  processed: row.processed,
  queued: row.queued,
  skipped: row.skipped,
  failed: row.failed,
  skipReasons: { ...row.skipReasons },
});

export async function saveTotal(
  db: Db,
  { tenantId, id, total }: { tenantId: string; id: string; total: number },
) {
  await db.update(ruleApplications).set({ total }).where(own(tenantId, id));
}

/** Live counters (the progress bar); with `cursorPage`, also the checkpoint a resumed run starts from. */
export async function saveProgress(
  db: Db,
  input: { tenantId: string; id: string; counters: RuleApplicationCounters; cursorPage?: number },
) {
  const { counters } = input;
  await db
    .update(ruleApplications)
    .set({
      processed: counters.processed,
      queued: counters.queued,
      skipped: counters.skipped,
      failed: counters.failed,
      skipReasons: counters.skipReasons,
      ...(input.cursorPage !== undefined ? { cursorPage: input.cursorPage, checkpoint: counters } : {}),
    })
    .where(own(input.tenantId, input.id));
}

/** Moves a running application to its final state (a finished one is left as it is). */
export async function finishApplication(
  db: Db,
  input: { tenantId: string; id: string; status: "done" | "cancelled" | "failed"; error?: string },
) {
  await db
    .update(ruleApplications)
    .set({ status: input.status, error: input.error ?? null, finishedAt: new Date() })
    .where(and(own(input.tenantId, input.id), eq(ruleApplications.status, "running")));
}

/** For the status procedure: 0–100, 100 when done; null while the deals are not counted yet. */
export function percentOf(row: Pick<RuleApplicationRow, "status" | "total" | "processed">): number | null {
  if (row.status === "done") return 100;
  if (row.total === null) return null;
  if (row.total === 0) return 100;
  return Math.min(100, Math.floor((row.processed / row.total) * 100));
}

/** Reasons sorted by count, most frequent first (the summary lists them so). */
export function reasonsOf(skipReasons: Record<string, number>) {
  return Object.entries(skipReasons)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
