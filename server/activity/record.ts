import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ActivityStatus, activityLog } from "@/db/schema";
import { maskPayload } from "@/server/log/mask";

export type ActivityUpdate = {
  tenantId: string | null;
  source: "webhook" | "job";
  sourceId: string;
  kind: string;
  status: ActivityStatus;
  subject?: string | null;
  /** The group of the owner's journal (`activity_log.subject_key`); set when the entry is created. */
  subjectKey?: string | null;
  reason?: string | null;
  attempts?: number;
  nextRetryAt?: Date | null;
  payload?: unknown;
};

/** Creates or moves the journal entry of one webhook event or job run. Payloads are masked here. */
export async function recordActivity(db: Db, u: ActivityUpdate): Promise<void> {
  const values = {
    tenantId: u.tenantId,
    source: u.source,
    sourceId: u.sourceId,
    kind: u.kind,
    status: u.status,
    subject: u.subject ?? null,
    subjectKey: u.subjectKey ?? null,
    reason: u.reason ?? null,
    attempts: u.attempts ?? 0,
    nextRetryAt: u.nextRetryAt ?? null,
    payload: u.payload === undefined ? null : maskPayload(u.payload),
  };
  await db
    .insert(activityLog)
    .values(values)
    .onConflictDoUpdate({
      target: [activityLog.source, activityLog.sourceId],
      set: {
        status: values.status,
        reason: values.reason,
        attempts: values.attempts,
        nextRetryAt: values.nextRetryAt,
        updatedAt: new Date(),
        ...(u.subject !== undefined ? { subject: values.subject } : {}),
        ...(u.subjectKey != null ? { subjectKey: values.subjectKey } : {}),
        ...(u.payload !== undefined ? { payload: sql`excluded.payload` } : {}),
      },
    });
}
