import type { Db } from "@/db/client";
import type { RuleApplicationCounters, RuleApplicationRow } from "@/db/schema";
import { canApplyToCurrentDeals, type Rule, type RuleAction } from "@/lib/domain/rules/schema";
import type { PairedUser } from "@/server/actions/types";
import type { AmoContact, AmoLead, LeadFilter } from "@/server/amocrm";
import { AmocrmError } from "@/server/amocrm";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import type { JobOutcome } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { logger } from "@/server/log/logger";
import { getTenant } from "@/server/tenancy/queries";
import { actOnDeal, type RuleOutcome, ruleLabel } from "./act";
import { ruleActions } from "./actions";
import {
  cancelRequested,
  countersOf,
  finishApplication,
  getApplication,
  reasonsOf,
  saveProgress,
  saveTotal,
} from "./apply-store";
import { smsEmployeeOf } from "./deal";
import { type DealEvent, dealSnapshotFrom } from "./snapshot";
import { getRule } from "./store";

/** The occurrence of "apply to current deals" (snapshot.ts): one intent per rule and deal, ever. */
export const CURRENT_DEALS_OCCURRENCE = "current-deals";
/** Live counters are written this often within a page (the progress bar), besides each page's end. */
const PROGRESS_EVERY = 25;
/** A deal that already has an SMS of this rule (by an earlier application, a DP or account webhook). */
export const ALREADY_SENT = ruleActions.sms.alreadyDone;
export const TRIGGER_NOT_APPLICABLE =
  "Правило с этим событием нельзя применять к текущим сделкам: только «Сделка перешла на этап» или «Сделка создана на этапе»";
/** Reasons name values (a budget, a tag), so they may be many: past this many, the rest are grouped. */
const MAX_REASONS = 50;
export const OTHER_REASONS = "Другие причины";

export type ApplicationSummary = {
  applicationId: string;
  status: RuleApplicationRow["status"];
  total: number | null;
  processed: number;
  queued: number;
  skipped: number;
  failed: number;
  skipReasons: { reason: string; count: number }[];
};

export function summaryOf(row: RuleApplicationRow, counters = countersOf(row)): ApplicationSummary {
  return {
    applicationId: row.id,
    status: row.status,
    total: row.total,
    processed: counters.processed,
    queued: counters.queued,
    skipped: counters.skipped,
    failed: counters.failed,
    skipReasons: reasonsOf(counters.skipReasons),
  };
}

/** One deal's outcome into the counters: a deal is queued (≥ 1 new SMS), skipped with a reason, or failed. */
export function tally(counters: RuleApplicationCounters, outcome: RuleOutcome | { failed: string }) {
  counters.processed += 1;
  const skip = (reason: string) => {
    counters.skipped += 1;
    const known = reason in counters.skipReasons;
    const key = known || Object.keys(counters.skipReasons).length < MAX_REASONS ? reason : OTHER_REASONS;
    counters.skipReasons[key] = (counters.skipReasons[key] ?? 0) + 1;
  };
  if ("failed" in outcome) counters.failed += 1;
  else if (outcome.status === "skipped") skip(outcome.reason);
  else if (outcome.queued > 0) counters.queued += outcome.queued;
  else skip(outcome.skipped[0] ?? ALREADY_SENT);
}

const zero = (): RuleApplicationCounters => ({
  processed: 0,
  queued: 0,
  skipped: 0,
  failed: 0,
  skipReasons: {},
});

type RunInput = {
  tenantId: string;
  applicationId: string;
  /** Stop after the page that passes this moment and let the caller continue in a new run (null = never). */
  deadline: number | null;
};
export type RunResult =
  | { kind: "finished"; outcome: JobOutcome }
  | { kind: "continue"; nextPage: number; summary: ApplicationSummary };

/**
 * One application of a rule to the deals now in its stage, from its cursor page on: pages of 250 leads with
 * their contacts, then the page's main contacts in one request, then `actOnDeal` per deal with the
 * occurrence `current-deals` — so a deal that already got its SMS (an earlier application, a retried page)
 * plans nothing new. The cancel flag is read between deals; counters and the cursor are saved per page (the
 * counters also every 25 deals), and a retried run restarts its page from the checkpoint counters.
 */
export async function runRuleApplication(db: Db, queue: JobQueue, input: RunInput): Promise<RunResult> {
  const { tenantId, applicationId: id } = input;
  const app = await getApplication(db, { tenantId, id });
  if (!app) return { kind: "finished", outcome: { status: "skipped", reason: "Применение не найдено" } };
  if (app.status !== "running")
    return { kind: "finished", outcome: { status: "skipped", reason: "Применение уже завершено" } };
  const finish = async (
    status: "done" | "cancelled" | "failed",
    counters: RuleApplicationCounters,
    error?: string,
  ) => {
    await saveProgress(db, { tenantId, id, counters });
    await finishApplication(db, { tenantId, id, status, error });
    const row = (await getApplication(db, { tenantId, id }))!;
    const summary = summaryOf(row);
    const outcome: JobOutcome =
      status === "failed"
        ? { status: "skipped", reason: error ?? "ошибка" }
        : { status: "done", result: summary };
    return { kind: "finished" as const, outcome };
  };
  let counters = app.checkpoint
    ? { ...app.checkpoint, skipReasons: { ...app.checkpoint.skipReasons } }
    : zero();

  const rule = await getRule(db, { tenantId, id: app.ruleId });
  if (!rule) return finish("failed", counters, "Правило удалено");
  if (rule.pipelineId !== app.pipelineId || rule.statusId !== app.statusId)
    return finish("failed", counters, "Правило перенесено на другой этап");
  if (!rule.enabled) return finish("failed", counters, "Правило выключено");
  // The draft schema refuses the flag for other triggers; a start from elsewhere (or a rule stored before
  // that check) must not text every deal of the stage for an event they never had.
  if (!canApplyToCurrentDeals(rule.trigger)) return finish("failed", counters, TRIGGER_NOT_APPLICABLE);
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return finish("failed", counters, "Аккаунт удалён");
  const amo = amocrmClientFor(db, tenant);
  const stage: LeadFilter = {
    statuses: [{ pipelineId: app.pipelineId, statusId: app.statusId }],
    order: { field: "id", direction: "asc" },
  };
  const cancelled = () => cancelRequested(db, { tenantId, id });

  if (app.total === null) {
    // amoCRM's lead list carries no total: one pass without contacts counts the stage for the progress bar.
    let total = 0;
    for (let page = 1; ; page++) {
      if (await cancelled()) return finish("cancelled", counters);
      const res = await amo.listLeadsPage(stage, page);
      total += res.leads.length;
      if (!res.hasNext) break;
    }
    await saveTotal(db, { tenantId, id, total });
  }

  const author = await smsEmployeeOf(db, { tenantId, amoUserId: rule.authorAmoUserId });
  const employees = new Map<number, PairedUser>();
  const employee = async (amoUserId: number) => {
    let e = employees.get(amoUserId);
    if (!e) {
      e = await smsEmployeeOf(db, { tenantId, amoUserId });
      employees.set(amoUserId, e);
    }
    return e;
  };
  const event: DealEvent = {
    trigger: rule.trigger,
    pipelineId: app.pipelineId,
    statusId: app.statusId,
    occurrence: CURRENT_DEALS_OCCURRENCE,
  };

  for (let page = app.cursorPage; ; ) {
    if (await cancelled()) return finish("cancelled", counters);
    const { leads, hasNext } = await amo.listLeadsPage({ ...stage, withContacts: true }, page);
    const mainIdOf = (lead: AmoLead) => (lead.contacts.find((c) => c.isMain) ?? lead.contacts[0])?.id;
    const contacts = new Map<number, AmoContact>(
      (await amo.listContactsByIds(leads.map(mainIdOf).filter((x): x is number => x !== undefined))).map(
        (c) => [c.id, c],
      ),
    );
    const earlier = await earlierIntentsOf(db, { tenantId, rule, app, leadIds: leads.map((l) => l.id) });
    for (const [i, lead] of leads.entries()) {
      if (await cancelled()) return finish("cancelled", counters);
      tally(
        counters,
        await applyToDeal(db, queue, {
          tenantId,
          rule,
          lead,
          contacts,
          mainIdOf,
          event,
          author,
          employee,
          earlier: earlier.get(lead.id),
        }),
      );
      if ((i + 1) % PROGRESS_EVERY === 0) await saveProgress(db, { tenantId, id, counters });
    }
    page += 1;
    await saveProgress(db, { tenantId, id, counters, cursorPage: page });
    if (!hasNext || leads.length === 0) break;
    if (input.deadline !== null && Date.now() > input.deadline) {
      const row = (await getApplication(db, { tenantId, id }))!;
      return { kind: "continue", nextPage: page, summary: summaryOf(row) };
    }
  }
  counters = countersOf((await getApplication(db, { tenantId, id }))!);
  return finish("done", counters);
}

async function applyToDeal(
  db: Db,
  queue: JobQueue,
  input: {
    tenantId: string;
    rule: Rule;
    lead: AmoLead;
    contacts: Map<number, AmoContact>;
    mainIdOf: (lead: AmoLead) => number | undefined;
    event: DealEvent;
    author: PairedUser;
    employee: (amoUserId: number) => Promise<PairedUser>;
    earlier: EarlierIntents | undefined;
  },
): Promise<RuleOutcome | { failed: string }> {
  const { tenantId, rule, lead, event, author, earlier } = input;
  // The actions this deal already had from elsewhere are skipped with their reason; all of them: the deal.
  const skipKinds = new Map(
    rule.actions
      .filter((a) => earlier?.elsewhere.has(a.kind))
      .map((a) => [a.kind, ruleActions[a.kind].alreadyDone] as const),
  );
  if (skipKinds.size > 0 && skipKinds.size === rule.actions.length)
    return { ruleId: rule.id, name: ruleLabel(rule), status: "skipped", reason: [...skipKinds.values()][0]! };
  try {
    const mainId = input.mainIdOf(lead);
    const mainContact = mainId === undefined ? null : (input.contacts.get(mainId) ?? null);
    const responsible = lead.responsibleUserId === null ? null : await input.employee(lead.responsibleUserId);
    const truth = { lead, mainContact, responsible };
    const snapshot = dealSnapshotFrom({
      lead,
      mainContact,
      event,
      responsibleUserName: responsible?.name ?? null,
    });
    const outcome = await actOnDeal(db, queue, {
      tenantId,
      rule,
      truth,
      snapshot,
      event,
      author,
      userOf: input.employee,
      skipKinds,
    });
    // A retried page: this application's crashed attempt already queued these SMS (acting again made sure
    // their send runs exist) — they are this application's, counted as queued, not "already sent".
    const ours = earlier?.ours ?? 0;
    if (ours === 0) return outcome;
    return {
      ruleId: rule.id,
      name: outcome.name,
      status: "acted",
      queued: Math.max(ours, outcome.status === "acted" ? outcome.queued : 0),
      skipped: [],
    };
  } catch (err) {
    // amoCRM and token trouble stop the run (the job retries and resumes at this page); anything else is
    // this deal's failure, counted, and the rest go on.
    if (err instanceof AmocrmError || err instanceof TenantNeedsReconnectError) throw err;
    logger.warn({ tenantId, leadId: lead.id, err: String(err) }, "rule application: deal failed");
    return { failed: err instanceof Error ? err.message : String(err) };
  }
}

/** What intents of the rule's actions a deal already has: made by this application (a retried page) or elsewhere. */
type EarlierIntents = { ours: number; elsewhere: Set<RuleAction["kind"]> };

/**
 * One query per action per page: the deals of the page that already have an intent of this rule's action.
 * A row with the `current-deals` occurrence made since this application started is its own (one
 * application per rule runs at a time); any other row — an earlier application, the DP or account webhook —
 * means the deal already had this action of the rule, whatever the occurrence, and it is skipped.
 */
async function earlierIntentsOf(
  db: Db,
  input: { tenantId: string; rule: Rule; app: RuleApplicationRow; leadIds: number[] },
): Promise<Map<number, EarlierIntents>> {
  const byLead = new Map<number, EarlierIntents>();
  for (const action of input.rule.actions) {
    const rows = await ruleActions[action.kind].earlier(db, {
      tenantId: input.tenantId,
      ruleId: input.rule.id,
      leadIds: input.leadIds,
    });
    for (const row of rows) {
      const e = byLead.get(row.leadId) ?? { ours: 0, elsewhere: new Set() };
      const ours =
        row.idempotencyKey.includes(`:${CURRENT_DEALS_OCCURRENCE}:`) && row.createdAt >= input.app.createdAt;
      if (ours) e.ours += 1;
      else e.elsewhere.add(action.kind);
      byLead.set(row.leadId, e);
    }
  }
  return byLead;
}
