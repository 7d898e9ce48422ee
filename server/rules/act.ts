import type { Db } from "@/db/client";
import type { Rule } from "@/lib/domain/rules/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { planSmsAction } from "@/server/sms/plan";
import type { SmsEmployee } from "@/server/sms/recipients";
import type { DealTruth } from "./deal";
import { evaluateRule } from "./evaluate";
import type { DealEvent, DealSnapshot } from "./snapshot";

/** What happened to one rule for one deal, for the journal: every rule is named with its outcome. */
export type RuleOutcome =
  | { ruleId: string; name: string; status: "skipped"; reason: string }
  | { ruleId: string; name: string; status: "acted"; queued: number; skipped: string[] };

export const ruleLabel = (rule: Pick<Rule, "id" | "name">) => rule.name || `Правило ${rule.id}`;

/**
 * One rule for one deal occurrence, whatever brought it (DP webhook, account webhook, "apply to current
 * deals"): the conditions are evaluated against the deal as amoCRM has it, and a matching rule's actions
 * are planned — SMS now; callback and campaign actions belong to their issues and are reported as such.
 * Every planned side effect carries the idempotency key (rule, deal, event), so calling this again for
 * the same occurrence plans nothing new.
 */
export async function actOnDeal(
  db: Db,
  queue: JobQueue,
  input: {
    tenantId: string;
    rule: Rule;
    truth: DealTruth;
    snapshot: DealSnapshot;
    event: DealEvent;
    /** The rule's author with their pairing (the SMS goes out from their extension). */
    author: SmsEmployee;
  },
): Promise<RuleOutcome> {
  const { tenantId, rule, truth, snapshot, event, author } = input;
  const name = ruleLabel(rule);
  const evaluation = evaluateRule(rule, snapshot);
  if (!evaluation.matches)
    return { ruleId: rule.id, name, status: "skipped", reason: evaluation.failed.reason };
  let queued = 0;
  const skipped: string[] = [];
  for (const action of rule.actions) {
    if (action.kind !== "sms") {
      skipped.push(`Действие «${action.kind}» пока не выполняется`);
      continue;
    }
    const planned = await planSmsAction(db, queue, { tenantId, rule, action, truth, author, event });
    queued += planned.queued;
    skipped.push(...planned.skipped);
  }
  return { ruleId: rule.id, name, status: "acted", queued, skipped };
}
