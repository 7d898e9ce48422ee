// Which finished calls get their Contact Center topics saved, and the row + first poll for each (seed §2.8).
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallRow, callTopics } from "@/db/schema";
import type { EffectiveSettings } from "@/lib/domain/settings/effective";
import { campaignTaskOf, isAnswered } from "@/server/calls/write/decide";
import type { JobQueue } from "@/server/jobs/queue";
import { getEffectiveSettings } from "@/server/settings/queries";
import { armTopicsPoll } from "./jobs";
import { pollDelayS, TOPICS_WINDOW_S } from "./plan";

type TopicsCall = Pick<
  CallRow,
  | "direction"
  | "stage"
  | "clientPhone"
  | "answeredExtension"
  | "talkSeconds"
  | "ccTaskId"
  | "callbackInitiator"
>;

/**
 * Null when the call's topics are to be saved, else why not (not stored: most calls are simply not
 * Contact Center calls). With «Создавать контакт/сделку при звонке на новый номер» on, every answered
 * external call is asked about (MANGO answers 3300 for a call the Contact Center did not handle); off,
 * only calls of Contact Center outbound campaigns.
 */
export function topicsIneligible(call: TopicsCall, settings: EffectiveSettings): string | null {
  if (!settings.extra.contactCenter.saveTopics.enabled) return "сохранение тематик выключено";
  if (call.stage !== "finished") return "звонок не завершён";
  if (call.direction !== "incoming" && call.direction !== "outgoing") return "не внешний звонок";
  if (!call.clientPhone) return "номер клиента неизвестен";
  // An operator files topics for a conversation; MANGO's widget saves them for campaign calls that took place.
  if (!isAnswered(call)) return "разговора не было";
  const createsClients = settings.calls.outgoing.createContact && settings.calls.outgoing.createDeal;
  if (campaignTaskOf(call) === null && !createsClients) return "не звонок кампании исходящего обзвона";
  return null;
}

/** Called when a call is finished: the row (once per call) and its first poll, a minute later. */
export async function startCallTopics(
  db: Db,
  queue: JobQueue,
  { tenantId, call, now = new Date() }: { tenantId: string; call: CallRow; now?: Date },
): Promise<{ started: boolean; reason?: string }> {
  const reason = topicsIneligible(call, await getEffectiveSettings(db, { tenantId }));
  if (reason) return { started: false, reason };
  const startedAt = call.startedAt ?? now;
  const firstPoll = new Date(now.getTime() + pollDelayS(0) * 1000);
  await db
    .insert(callTopics)
    .values({
      tenantId,
      callId: call.id,
      entryId: call.entryId,
      campaignCall: campaignTaskOf(call) !== null,
      deadlineAt: new Date(startedAt.getTime() + TOPICS_WINDOW_S * 1000),
      nextPollAt: firstPoll,
    })
    .onConflictDoNothing();
  const [row] = await db
    .select({ state: callTopics.state })
    .from(callTopics)
    .where(and(eq(callTopics.tenantId, tenantId), eq(callTopics.callId, call.id)));
  if (row?.state !== "waiting") return { started: false, reason: "тематики этого звонка уже обработаны" };
  await armTopicsPoll(queue, {
    tenantId,
    callId: call.id,
    entryId: call.entryId,
    poll: 0,
    at: firstPoll,
    now,
  });
  return { started: true };
}
