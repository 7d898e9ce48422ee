import type { AmocrmClient, AmoLeadEvent } from "@/server/amocrm";
import type { AmoLead } from "@/server/amocrm/transform";
import type { DpTriggerEvent } from "./dp-webhook";

/**
 * amoCRM signs nothing in a DP webhook, so anyone holding its URL could post one. Before a rule acts, the
 * trigger is confirmed against amoCRM itself (the tenant's token, amoCRM's clock on both sides):
 * - the deal exists and is in the trigger's pipeline and stage now;
 * - "entered the stage": the deal changed no earlier than the trigger (`updated_at`, no extra request), and
 *   amoCRM's event feed has a `lead_status_changed` into that stage within `TRIGGER_MATCH_WINDOW_S` of the
 *   webhook's `event.time`;
 * - "created in the stage": the deal's `created_at` is within that window of `event.time`.
 * Other triggers (incoming call, mail, chat, site visit) are confirmed by the stage only. An unconfirmed
 * trigger ends the rules run "skipped" with one of `TRIGGER_REASONS` (the journal shows it as is).
 */
export const TRIGGER_MATCH_WINDOW_S = 300;

const NOT_CONFIRMED = "триггер не подтверждён, ничего не отправлено";
export const TRIGGER_REASONS = {
  gone: (leadId: number) => `Сделка ${leadId} удалена или не найдена в amoCRM — ${NOT_CONFIRMED}`,
  otherStage: `Сделка не в этом этапе в amoCRM — ${NOT_CONFIRMED}`,
  unchanged: `Сделка в amoCRM не менялась с момента триггера — ${NOT_CONFIRMED}`,
  noMove: `В событиях amoCRM нет перехода сделки в этот этап в момент триггера — ${NOT_CONFIRMED}`,
  notCreated: `Сделка создана в amoCRM не в момент триггера — ${NOT_CONFIRMED}`,
} as const;

/**
 * amoCRM may list a move in its event feed a moment after the DP webhook went out (UNCERTAIN: the reference
 * says nothing of the feed's delay). A move not found is looked for again this many times — the job's own
 * retries, about 1–2 s and then 2–4 s later — before the trigger is called unconfirmed.
 */
export const FEED_RECHECKS = 2;

/** Thrown on the first attempts when the feed has no move yet: the job retries and looks again. */
export class MoveNotInFeedYetError extends Error {
  override name = "MoveNotInFeedYetError";
  constructor() {
    super("В событиях amoCRM пока нет перехода сделки в этот этап — проверим ещё раз");
  }
}

/**
 * `occurrence`: amoCRM's own identity of what happened, for the idempotency keys in place of the body's
 * `event.time` — a body re-posted with a shifted time confirms the same move and so plans nothing new.
 */
export type TriggerCheck = { confirmed: true; occurrence?: string } | { confirmed: false; reason: string };

type Trigger = Pick<DpTriggerEvent, "leadId" | "pipelineId" | "statusId" | "time" | "trigger">;

const near = (at: number | null, time: number) =>
  at !== null && Math.abs(at - time) <= TRIGGER_MATCH_WINDOW_S;

/** What the deal as read says about the trigger, before any further request; null = nothing against it. */
export function checkDealAgainstTrigger(trigger: Trigger, lead: AmoLead | null): string | null {
  if (!lead || lead.isDeleted) return TRIGGER_REASONS.gone(trigger.leadId);
  if (lead.pipelineId !== trigger.pipelineId || lead.statusId !== trigger.statusId)
    return TRIGGER_REASONS.otherStage;
  if (trigger.trigger === "created_in_stage" && !near(lead.createdAt, trigger.time))
    return TRIGGER_REASONS.notCreated;
  if (
    trigger.trigger === "entered_stage" &&
    lead.updatedAt !== null &&
    lead.updatedAt < trigger.time - TRIGGER_MATCH_WINDOW_S
  )
    return TRIGGER_REASONS.unchanged;
  return null;
}

/**
 * The feed's move that backs the trigger: into its stage, nearest to `event.time`. A move whose stage the
 * feed does not name in a shape we read (`value_after` is UNCERTAIN in the reference) still counts: the deal
 * is in the stage now, which was checked before.
 */
export function moveBackingTrigger(trigger: Trigger, events: readonly AmoLeadEvent[]): AmoLeadEvent | null {
  const moves = events.filter(
    (e) =>
      e.type === "lead_status_changed" &&
      near(e.createdAt, trigger.time) &&
      (e.stageAfter === null ||
        (e.stageAfter.pipelineId === trigger.pipelineId && e.stageAfter.statusId === trigger.statusId)),
  );
  const distance = (e: AmoLeadEvent) =>
    (e.stageAfter === null ? TRIGGER_MATCH_WINDOW_S + 1 : 0) + Math.abs(e.createdAt - trigger.time);
  return moves.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

/**
 * The whole confirmation of a DP trigger, given the deal as read (null: amoCRM has no such deal). On the
 * job's attempts up to `FEED_RECHECKS` a move missing from the feed throws `MoveNotInFeedYetError` (look
 * again); later — or without an attempt number — it is an answer.
 */
export async function confirmDpTrigger(
  amo: Pick<AmocrmClient, "listLeadEvents">,
  trigger: Trigger,
  lead: AmoLead | null,
  attempt = Number.POSITIVE_INFINITY,
): Promise<TriggerCheck> {
  const against = checkDealAgainstTrigger(trigger, lead);
  if (against) return { confirmed: false, reason: against };
  // A deal is created once: its creation is one occurrence whatever time a body names.
  if (trigger.trigger === "created_in_stage") return { confirmed: true, occurrence: "amo:created" };
  if (trigger.trigger !== "entered_stage") return { confirmed: true };
  const events = await amo.listLeadEvents(trigger.leadId, {
    types: ["lead_status_changed"],
    from: trigger.time - TRIGGER_MATCH_WINDOW_S,
    to: trigger.time + TRIGGER_MATCH_WINDOW_S,
  });
  const move = moveBackingTrigger(trigger, events);
  if (move) return { confirmed: true, occurrence: `amo:move:${move.id}` };
  if (attempt <= FEED_RECHECKS) throw new MoveNotInFeedYetError();
  return { confirmed: false, reason: TRIGGER_REASONS.noMove };
}
