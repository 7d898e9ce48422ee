import type { Db } from "@/db/client";
import type { JobOutcome } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { getTenant } from "@/server/tenancy/queries";
import { actOnDeal, type RuleOutcome, ruleLabel } from "./act";
import { readDealTruth, smsEmployeeOf } from "./deal";
import { type DpTriggerEvent, dpDealEvent } from "./dp-webhook";
import { rulesToRun } from "./evaluate";
import { dealSnapshotFrom } from "./snapshot";
import { listRules } from "./store";

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
    // The deal may have left the stage since the webhook: rules of the old stage no longer apply.
    if (truth.lead.statusId !== rule.statusId || truth.lead.pipelineId !== rule.pipelineId) {
      outcomes.push({
        ruleId: rule.id,
        name: ruleLabel(rule),
        status: "skipped",
        reason: "Сделка уже на другом этапе",
      });
      continue;
    }
    const author = await smsEmployeeOf(db, { tenantId, amoUserId: rule.authorAmoUserId });
    outcomes.push(await actOnDeal(db, queue, { tenantId, rule, truth, snapshot, event: dealEvent, author }));
  }
  if (outcomes.every((o) => o.status === "skipped"))
    return {
      status: "skipped",
      reason: outcomes.map((o) => `${o.name}: ${(o as { reason: string }).reason}`).join("; "),
    };
  return { status: "done", result: { leadId: event.leadId, rules: outcomes } };
}
