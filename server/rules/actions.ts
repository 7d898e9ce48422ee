import type { Db } from "@/db/client";
import type { ActionKind, RuleAction } from "@/lib/domain/rules/schema";
import type { ActionContext, ActionPlan, ActionPreview, RuleActionHandler } from "@/server/actions/types";
import { callbackRuleAction } from "@/server/callbacks/action";
import { campaignRuleAction } from "@/server/campaigns/action";
import type { JobQueue } from "@/server/jobs/queue";
import { smsRuleAction } from "@/server/sms/action";

/**
 * The rule actions, one line each. An action is a folder implementing `RuleActionHandler`
 * (server/actions/types.ts) plus its editor component (components/rules/actions/); the rules engine reaches
 * actions only through this registry, and no action imports `server/rules`.
 */

export const ruleActions: { [K in ActionKind]: RuleActionHandler<K> } = {
  sms: smsRuleAction,
  callback: callbackRuleAction,
  campaign: campaignRuleAction,
};

/** Every job the actions need, for both job drivers (inngest/registry.ts). */
export const ruleActionJobs = Object.values(ruleActions).flatMap((a) => a.jobs);

// The registry is keyed by kind, so the handler and the action always agree; TypeScript cannot see that
// through the union, hence the one cast per call below.
type AnyHandler = RuleActionHandler<ActionKind> & {
  preview(db: Db, ctx: ActionContext, action: RuleAction): Promise<ActionPreview>;
  plan(db: Db, queue: JobQueue, ctx: ActionContext, action: RuleAction): Promise<ActionPlan>;
  problem(db: Db, input: { tenantId: string; action: RuleAction }): Promise<string | null>;
};
export const handlerOf = (action: Pick<RuleAction, "kind">): AnyHandler =>
  ruleActions[action.kind] as unknown as AnyHandler;

/** Whether the rule acts through the PBX on someone's behalf: only users with a mapped extension save it. */
export function needsExtendedIntegration(draft: { actions: readonly Pick<RuleAction, "kind">[] }): boolean {
  return draft.actions.some((a) => ruleActions[a.kind].needsExtension);
}

/** The first reason an action of the draft cannot be saved whatever the deal, or null. */
export async function actionsProblem(
  db: Db,
  { tenantId, actions }: { tenantId: string; actions: readonly RuleAction[] },
): Promise<string | null> {
  for (const action of actions) {
    const problem = await handlerOf(action).problem(db, { tenantId, action });
    if (problem) return problem;
  }
  return null;
}
