import type { Db } from "@/db/client";
import type { JobOutcome } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { planSmsAction } from "@/server/sms/plan";
import { getTenant } from "@/server/tenancy/queries";
import { readDealTruth, smsEmployeeOf } from "./deal";
import { type DpTriggerEvent, dpDealEvent } from "./dp-webhook";
import { evaluateRule, rulesToRun } from "./evaluate";
import { dealSnapshotFrom } from "./snapshot";
import { listRules } from "./store";

/** What happened to one rule, for the journal: every rule of the stage is named with its outcome. */
export type RuleOutcome =
  | { ruleId: string; name: string; status: "skipped"; reason: string }
  | { ruleId: string; name: string; status: "acted"; queued: number; skipped: string[] };

/**
 * One DP event: the rules of its stage and trigger, each evaluated against the deal as amoCRM has it now.
 * A deal failing a rule's conditions is journaled with the failing condition; a matching rule's actions
 * are planned (SMS now; callback and campaign actions belong to their issues and are reported as such).
 * When no rule acted, the run is "skipped" with all the reasons, so the journal shows why at a glance.
 */
export async function runRulesForDpEvent(
  db: Db,
  queue: JobQueue,
  { tenantId, event }: { tenantId: string; event: DpTriggerEvent },
): Promise<JobOutcome> {
  const dealEvent = dpDealEvent(event);
  if (!dealEvent)
    return { status: "skipped", reason: `Событие ${event.typeCode ?? event.type} не запускает правила` };
  const stageRules = rulesToRun(
    await listRules(db, { tenantId, pipelineId: event.pipelineId, statusId: event.statusId }),
    dealEvent,
  );
  if (stageRules.length === 0) return { status: "skipped", reason: "На этом этапе нет правил для события" };
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { status: "skipped", reason: "аккаунт удалён" };
  const truth = await readDealTruth(db, tenant, event.leadId);
  if (!truth) return { status: "skipped", reason: `Сделка ${event.leadId} не найдена в amoCRM` };
  const snapshot = dealSnapshotFrom({
    lead: truth.lead,
    mainContact: truth.mainContact,
    event: dealEvent,
    responsibleUserName: truth.responsible?.name ?? null,
  });

  const outcomes: RuleOutcome[] = [];
  for (const rule of stageRules) {
    const label = rule.name || `Правило ${rule.id}`;
    // The deal may have left the stage since the webhook: rules of the old stage no longer apply.
    if (truth.lead.statusId !== rule.statusId || truth.lead.pipelineId !== rule.pipelineId) {
      outcomes.push({
        ruleId: rule.id,
        name: label,
        status: "skipped",
        reason: "Сделка уже на другом этапе",
      });
      continue;
    }
    const evaluation = evaluateRule(rule, snapshot);
    if (!evaluation.matches) {
      outcomes.push({ ruleId: rule.id, name: label, status: "skipped", reason: evaluation.failed.reason });
      continue;
    }
    let queued = 0;
    const skipped: string[] = [];
    const author = await smsEmployeeOf(db, { tenantId, amoUserId: rule.authorAmoUserId });
    for (const action of rule.actions) {
      if (action.kind !== "sms") {
        skipped.push(`Действие «${action.kind}» пока не выполняется`);
        continue;
      }
      const planned = await planSmsAction(db, queue, {
        tenantId,
        rule,
        action,
        truth,
        author,
        event: dealEvent,
      });
      queued += planned.queued;
      skipped.push(...planned.skipped);
    }
    outcomes.push({ ruleId: rule.id, name: label, status: "acted", queued, skipped });
  }
  if (outcomes.every((o) => o.status === "skipped"))
    return {
      status: "skipped",
      reason: outcomes.map((o) => `${o.name}: ${(o as { reason: string }).reason}`).join("; "),
    };
  return { status: "done", result: { leadId: event.leadId, rules: outcomes } };
}
