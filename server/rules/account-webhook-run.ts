import type { Db } from "@/db/client";
import { STATUS_LOST } from "@/server/amocrm/transform";
import type { JobOutcome } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { type AccountDealChange, type AccountWebhookEvent, accountDealEvent } from "./account-webhook";
import { runRulesForDealEvent, type StaleCheck } from "./run";

/**
 * What must still hold when the job reads the deal. Responsible changed: the deal is still on the rule's
 * stage and still has the responsible the webhook names — if it was handed on again meanwhile, that later
 * change has its own webhook and acts (otherwise both would greet the client with the newest manager).
 * Deal lost: the deal is still closed as lost in the rule's pipeline (reopened → nothing to say).
 */
function staleCheckFor(change: AccountDealChange): StaleCheck {
  if (change.trigger === "deal_lost")
    return (lead, rule) =>
      lead.statusId !== STATUS_LOST || lead.pipelineId !== rule.pipelineId
        ? "Сделка уже не закрыта как нереализованная"
        : null;
  return (lead, rule) => {
    if (lead.statusId !== rule.statusId || lead.pipelineId !== rule.pipelineId)
      return "Сделка уже на другом этапе";
    if (change.responsibleUserId !== null && lead.responsibleUserId !== change.responsibleUserId)
      return "Ответственный уже сменился снова";
    return null;
  };
}

const changeLabel = (c: AccountDealChange) =>
  `сделка ${c.leadId} (${c.trigger === "deal_lost" ? "закрыта" : c.kind === "responsible" ? "смена ответственного" : `этап ${c.statusId}`})`;

/**
 * One account webhook: each deal change in it that a rule may wait for ("responsible changed", "deal
 * lost") runs the rules of its stage. Moves to any other stage are the DP webhook's business and skipped.
 */
export async function runRulesForAccountEvent(
  db: Db,
  queue: JobQueue,
  { tenantId, event }: { tenantId: string; event: AccountWebhookEvent },
): Promise<JobOutcome> {
  const results: { leadId: number; trigger: string; outcome: JobOutcome }[] = [];
  for (const change of event.changes) {
    const dealEvent = accountDealEvent(change);
    const outcome: JobOutcome = dealEvent
      ? await runRulesForDealEvent(db, queue, {
          tenantId,
          leadId: change.leadId,
          event: dealEvent,
          stale: staleCheckFor(change),
        })
      : { status: "skipped", reason: "Событие не запускает правила" };
    results.push({ leadId: change.leadId, trigger: change.trigger ?? change.kind, outcome });
  }
  if (results.length === 1) return results[0]!.outcome;
  if (results.every((r) => r.outcome.status === "skipped"))
    return {
      status: "skipped",
      reason: results
        .map((r, i) => `${changeLabel(event.changes[i]!)}: ${(r.outcome as { reason: string }).reason}`)
        .join("; "),
    };
  return { status: "done", result: { changes: results } };
}
