import type { Db } from "@/db/client";
import type { RuleApplicationRow } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { applyRuleToCurrentDealsJob } from "./apply-jobs";
import { type ApplicationSummary, summaryOf } from "./apply-run";
import { failStalled, latestApplication, openApplication, percentOf, requestCancel } from "./apply-store";
import { getRule } from "./store";

export type { ApplicationSummary };

/**
 * Starts applying a rule to the deals now in its stage, or returns the application already running for it
 * (never two at once). Null when the tenant has no such rule. The job is keyed by the application, so a
 * repeated call enqueues nothing new.
 */
export async function startApplyToCurrentDeals(
  db: Db,
  queue: JobQueue,
  { tenantId, ruleId, actorUserId }: { tenantId: string; ruleId: string; actorUserId: string | null },
): Promise<{ applicationId: string; created: boolean } | null> {
  const rule = await getRule(db, { tenantId, id: ruleId });
  if (!rule) return null;
  const { row, created } = await openApplication(db, {
    tenantId,
    ruleId,
    pipelineId: rule.pipelineId,
    statusId: rule.statusId,
    startedByUserId: actorUserId,
  });
  await queue.enqueue(
    applyRuleToCurrentDealsJob,
    { applicationId: row.id },
    { tenantId, idempotencyKey: `rule-application:${row.id}` },
  );
  return { applicationId: row.id, created };
}

export type ApplicationStatus = ApplicationSummary & {
  /** 0–100; null while the deals are still being counted. */
  percent: number | null;
  cancelRequested: boolean;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
};

export const statusOf = (row: RuleApplicationRow): ApplicationStatus => ({
  ...summaryOf(row),
  percent: percentOf(row),
  cancelRequested: row.cancelRequested,
  error: row.error,
  startedAt: row.createdAt,
  finishedAt: row.finishedAt,
});

/**
 * The latest application of a rule with its progress, or null when it was never applied. A running one
 * without progress for `STALLED_AFTER_MS` is marked failed first, so the bar does not spin forever.
 */
export async function applicationStatus(
  db: Db,
  { tenantId, ruleId }: { tenantId: string; ruleId: string },
): Promise<ApplicationStatus | null> {
  await failStalled(db, { tenantId, ruleId });
  const row = await latestApplication(db, { tenantId, ruleId });
  return row ? statusOf(row) : null;
}

/** Asks the running application of a rule to stop after the current deal; null when none is running. */
export async function cancelApplyToCurrentDeals(
  db: Db,
  { tenantId, ruleId }: { tenantId: string; ruleId: string },
): Promise<ApplicationStatus | null> {
  const row = await requestCancel(db, { tenantId, ruleId });
  return row ? statusOf(row) : null;
}
