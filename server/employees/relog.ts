// Pairing an extension re-logs the calls `calls.log` skipped because nobody of theirs was paired
// («Неразобранные звонки», server/calls/write/unattributed.ts). Each pairing is a new intent, so its runs get keys
// of their own (`call:<id>:relog:<link id>`): the skipped run keeps its key, and enqueuing the same pairing's
// re-log again (a retried request) finds the runs it made. `calls.log` decides afresh: a call whose log is
// `done` is never written again, and one still nobody's stays in the list.
import { and, desc, eq, gte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callLogs, calls, employeeLinks, mangoEmployees } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { unattributedWhere } from "@/server/calls/write/unattributed";
import type { JobQueue } from "@/server/jobs/queue";

/** Calls older than this stay as they are: amoCRM's timeline is not rewritten months later. */
export const RELOG_WINDOW_DAYS = 30;
/** At most this many calls per pairing; the newest first. */
export const RELOG_LIMIT = 200;

/** Enqueues `calls.log` again for the unattributed calls of the linked employee's extension; returns how many. */
export async function relogCallsOfLink(
  db: Db,
  queue: JobQueue,
  { tenantId, linkId, now = new Date() }: { tenantId: string; linkId: string; now?: Date },
): Promise<number> {
  const [link] = await db
    .select({ extension: mangoEmployees.extension })
    .from(employeeLinks)
    .innerJoin(
      mangoEmployees,
      and(eq(mangoEmployees.tenantId, tenantId), eq(mangoEmployees.id, employeeLinks.mangoEmployeeId)),
    )
    .where(and(eq(employeeLinks.tenantId, tenantId), eq(employeeLinks.id, linkId)));
  const extension = link?.extension;
  if (!extension) return 0;
  const since = new Date(now.getTime() - RELOG_WINDOW_DAYS * 86_400_000);
  // Any call the extension took part in; calls.log picks whose call it is (log-decide.ts).
  const rows = await db
    .select({ id: calls.id, entryId: calls.entryId })
    .from(callLogs)
    .innerJoin(calls, and(eq(calls.tenantId, tenantId), eq(calls.id, callLogs.callId)))
    .where(
      and(
        unattributedWhere(tenantId),
        gte(sql`coalesce(${calls.startedAt}, ${calls.createdAt})`, since),
        or(
          eq(calls.answeredExtension, extension),
          eq(calls.callerExtension, extension),
          sql`${calls.rangExtensions} @> ${JSON.stringify([extension])}::jsonb`,
        ),
      ),
    )
    .orderBy(desc(calls.createdAt))
    .limit(RELOG_LIMIT);
  for (const { id, entryId } of rows)
    await queue.enqueue(
      writeCallJob,
      { callId: id },
      { tenantId, idempotencyKey: `call:${id}:relog:${linkId}`, subjectKey: `call:${entryId}` },
    );
  return rows.length;
}
