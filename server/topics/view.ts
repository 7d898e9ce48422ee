// What the Calls page shows of «Сохранять в сделках тематики и комментарии звонка из Контакт-центра» for
// each call: the state of its `call_topics` row, when MANGO is asked next, and where the topics went.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallTopicsState, callTopics } from "@/db/schema";

export type CallTopicsView = {
  state: CallTopicsState;
  /** ISO time of the next poll of MANGO while waiting; null once the row is done. */
  nextPollAt: string | null;
  leadId: number | null;
  topicPaths: string[];
  comment: string | null;
  reason: string | null;
};

/** The topics rows of these calls of the tenant, by call id; a call without a row is absent from the map. */
export async function callTopicsOf(
  db: Db,
  { tenantId, callIds }: { tenantId: string; callIds: string[] },
): Promise<Map<string, CallTopicsView>> {
  const found = new Map<string, CallTopicsView>();
  if (callIds.length === 0) return found;
  const rows = await db
    .select({
      callId: callTopics.callId,
      state: callTopics.state,
      nextPollAt: callTopics.nextPollAt,
      leadId: callTopics.leadId,
      topicPaths: callTopics.topicPaths,
      comment: callTopics.comment,
      reason: callTopics.reason,
    })
    .from(callTopics)
    .where(and(eq(callTopics.tenantId, tenantId), inArray(callTopics.callId, callIds)));
  for (const r of rows)
    found.set(r.callId, {
      state: r.state,
      nextPollAt: r.nextPollAt ? r.nextPollAt.toISOString() : null,
      leadId: r.leadId,
      topicPaths: r.topicPaths ?? [],
      comment: r.comment,
      reason: r.reason,
    });
  return found;
}
