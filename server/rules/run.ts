import type { Db } from "@/db/client";
import type { Rule } from "@/lib/domain/rules/schema";
import type { PairedUser } from "@/server/actions/types";
import type { AmocrmClient } from "@/server/amocrm";
import type { AmoLead } from "@/server/amocrm/transform";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { JobOutcome } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { getTenant } from "@/server/tenancy/queries";
import { actOnDeal, type RuleOutcome, ruleLabel } from "./act";
import { completeDealTruth, readLiveLead, smsEmployeeOf } from "./deal";
import { confirmDpTrigger, type TriggerCheck } from "./dp-confirm";
import { type DpTriggerEvent, dpDealEvent } from "./dp-webhook";
import { rulesToRun } from "./evaluate";
import { type DealEvent, dealSnapshotFrom } from "./snapshot";
import { listRules } from "./store";

/**
 * Why the rule no longer applies to the deal as amoCRM has it now (the webhook is only a hint), or null.
 * The default: the deal has left the rule's stage since the event.
 */
export type StaleCheck = (lead: AmoLead, rule: Rule) => string | null;

const leftTheStage: StaleCheck = (lead, rule) =>
  lead.statusId !== rule.statusId || lead.pipelineId !== rule.pipelineId
    ? "Сделка уже на другом этапе"
    : null;

/**
 * One deal event, whatever brought it (DP webhook, account webhook): the rules of its stage and trigger,
 * each evaluated against the deal as amoCRM has it now. A deal failing a rule's conditions is journaled
 * with the failing condition; a matching rule's actions are planned by `actOnDeal`. When no rule acted,
 * the run is "skipped" with all the reasons, so the journal shows why at a glance.
 */
export async function runRulesForDealEvent(
  db: Db,
  queue: JobQueue,
  input: {
    tenantId: string;
    leadId: number;
    event: DealEvent;
    stale?: StaleCheck;
    /**
     * Whether amoCRM confirms the event, asked with the deal as read (null: no such deal) before anything
     * else is read or planned; an unconfirmed event ends "skipped" with its reason.
     */
    confirm?: (lead: AmoLead | null, amo: AmocrmClient) => Promise<TriggerCheck>;
  },
): Promise<JobOutcome> {
  const { tenantId, leadId, stale = leftTheStage, confirm } = input;
  let { event } = input;
  const stageRules = rulesToRun(
    await listRules(db, { tenantId, pipelineId: event.pipelineId, statusId: event.statusId }),
    event,
  );
  if (stageRules.length === 0) return { status: "skipped", reason: "На этом этапе нет правил для события" };
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { status: "skipped", reason: "аккаунт удалён" };
  // No transaction is open here: the amoCRM requests below hold no database connection.
  const amo = amocrmClientFor(db, tenant);
  const lead = await readLiveLead(amo, leadId);
  if (confirm) {
    const check = await confirm(lead, amo);
    if (!check.confirmed) return { status: "skipped", reason: check.reason };
    if (check.occurrence) event = { ...event, occurrence: check.occurrence };
  }
  if (!lead) return { status: "skipped", reason: `Сделка ${leadId} не найдена в amoCRM` };
  const truth = await completeDealTruth(db, { tenantId, amo, lead });
  const snapshot = dealSnapshotFrom({
    lead: truth.lead,
    mainContact: truth.mainContact,
    event,
    responsibleUserName: truth.responsible?.name ?? null,
  });

  const users = new Map<number, Promise<PairedUser>>();
  const userOf = (amoUserId: number) => {
    let user = users.get(amoUserId);
    if (!user) {
      user = smsEmployeeOf(db, { tenantId, amoUserId });
      users.set(amoUserId, user);
    }
    return user;
  };
  const outcomes: RuleOutcome[] = [];
  for (const rule of stageRules) {
    const reason = stale(truth.lead, rule);
    if (reason) {
      outcomes.push({ ruleId: rule.id, name: ruleLabel(rule), status: "skipped", reason });
      continue;
    }
    const author = await userOf(rule.authorAmoUserId);
    outcomes.push(await actOnDeal(db, queue, { tenantId, rule, truth, snapshot, event, author, userOf }));
  }
  if (outcomes.every((o) => o.status === "skipped"))
    return {
      status: "skipped",
      reason: outcomes.map((o) => `${o.name}: ${(o as { reason: string }).reason}`).join("; "),
    };
  return { status: "done", result: { leadId, rules: outcomes } };
}

/**
 * One DP webhook: the deal entered (or was created in, …) the stage the webhook names — once amoCRM
 * confirms it (dp-confirm.ts): the webhook is unsigned, so its claim is checked before any rule acts.
 */
export async function runRulesForDpEvent(
  db: Db,
  queue: JobQueue,
  {
    tenantId,
    event,
    attempt,
  }: {
    tenantId: string;
    event: DpTriggerEvent;
    /** The job's attempt (dp-confirm.ts looks for a move again on the first ones); absent: final answer. */
    attempt?: number;
  },
): Promise<JobOutcome> {
  const dealEvent = dpDealEvent(event);
  if (!dealEvent)
    return { status: "skipped", reason: `Событие ${event.typeCode ?? event.type} не запускает правила` };
  return runRulesForDealEvent(db, queue, {
    tenantId,
    leadId: event.leadId,
    event: dealEvent,
    confirm: (lead, amo) => confirmDpTrigger(amo, event, lead, attempt),
  });
}
