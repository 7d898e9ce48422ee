import type { Db } from "@/db/client";
import type { Rule, RuleAction } from "@/lib/domain/rules/schema";
import type { DealTruth, PairedUser } from "@/server/actions/types";
import type { JobQueue } from "@/server/jobs/queue";
import { handlerOf } from "./actions";
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
 * are planned, each by its handler (./actions.ts).
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
    author: PairedUser;
    /** A user with their pairing (callback targets); read once per run by the caller. */
    userOf: (amoUserId: number) => Promise<PairedUser>;
    /** Actions this deal already had from elsewhere (apply to current deals): skipped with the reason. */
    skipKinds?: ReadonlyMap<RuleAction["kind"], string>;
  },
): Promise<RuleOutcome> {
  const { tenantId, rule, truth, event, author, userOf, skipKinds } = input;
  const name = ruleLabel(rule);
  const evaluation = evaluateRule(rule, input.snapshot);
  if (!evaluation.matches)
    return { ruleId: rule.id, name, status: "skipped", reason: evaluation.failed.reason };
  let queued = 0;
  const skipped: string[] = [];
  for (const action of rule.actions) {
    const already = skipKinds?.get(action.kind);
    if (already) {
      skipped.push(already);
      continue;
    }
    const ctx = { tenantId, rule, truth, event, author, userOf };
    const planned = await handlerOf(action).plan(db, queue, ctx, action);
    queued += planned.queued;
    skipped.push(...planned.skipped);
  }
  return { ruleId: rule.id, name, status: "acted", queued, skipped };
}
