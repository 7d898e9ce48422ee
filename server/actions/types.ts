import type { Db } from "@/db/client";
import type { ActionKind, Rule, RuleAction, RuleTrigger } from "@/lib/domain/rules/schema";
import type { AmoContact, AmoLead } from "@/server/amocrm/transform";
import type { JobDefinition } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";

/**
 * The one interface every DP rule action implements (SMS in server/sms, auto-callback in server/callbacks,
 * …). `server/rules` evaluates a rule and hands each of its actions the deal as amoCRM has it; it knows the
 * actions only through `ruleActions` (server/rules/actions.ts). An action's folder imports this kernel,
 * never `server/rules`, so there is no import cycle between the rules engine and any action.
 */

/** An amoCRM user with the MANGO employee they are paired with (directory name, else the employee's). */
export type PairedUser = {
  amoUserId: number;
  /** The amoCRM user's name; the MANGO employee's name is used when it is missing. */
  name: string | null;
  mapped: { extension: string | null; mobile: string | null; name?: string | null } | null;
};

/** The deal as amoCRM has it when the action runs (the webhook is only a hint). */
export type DealTruth = { lead: AmoLead; mainContact: AmoContact | null; responsible: PairedUser | null };

/**
 * One occurrence of a deal event on a stage, whatever brought it (DP webhook, account webhook, the
 * "apply to current deals" job). Rules are picked by stage + trigger; `occurrence` tells this occurrence
 * from another of the same trigger on the same deal and stage, and goes into the idempotency key:
 * - DP webhook: what amoCRM confirmed (dp-confirm.ts) — `amo:move:<event id>` of the stage move in
 *   amoCRM's event feed, `amo:created` for a deal created in the stage — so a body re-posted with another
 *   time is the same occurrence; other triggers `dp:<type>:<event.time>` (a redelivery carries the same body);
 * - apply to current deals: `current-deals` (one intent per rule and deal, so re-running never resends);
 * - account webhooks (responsible changed, deal lost): the wiring session picks the field that makes a
 *   redelivery equal (e.g. the lead's `last_modified`).
 */
export type DealEvent = {
  trigger: RuleTrigger;
  pipelineId: number;
  statusId: number;
  occurrence: string;
};

/** What an action gets for one deal occurrence. */
export type ActionContext = {
  tenantId: string;
  rule: Rule;
  truth: DealTruth;
  event: DealEvent;
  /** The rule's author with their pairing (SMS go out from their extension). */
  author: PairedUser;
  /** The user looked up with their pairing (an employee target, …), read once per run by the caller. */
  userOf: (amoUserId: number) => Promise<PairedUser>;
};

export type ActionPlan = {
  /** New intents this call queued (the same occurrence again queues 0). */
  queued: number;
  /** What was left out, each with a reason a manager can read. */
  skipped: string[];
};

/** The dry run of one action on one deal: what it would do, what it would skip and why. Nothing is sent. */
export type ActionPreview = {
  kind: ActionKind;
  title: string;
  /** Sentences: «Отправит SMS на +7 999 ***-45-67: …», «Позвонит: сначала Иванов (доб. 101), затем …». */
  would: string[];
  skipped: string[];
};

/** An intent an action already made for a deal, any occurrence ("apply to current deals" skips those). */
export type EarlierIntent = { leadId: number; idempotencyKey: string; createdAt: Date };

type ActionOf<K extends ActionKind> = Extract<RuleAction, { kind: K }>;

export interface RuleActionHandler<K extends ActionKind = ActionKind> {
  kind: K;
  /** «SMS», «Автоперезвон» … for the journal and the dry run. */
  title: string;
  /** Why "apply to current deals" skips a deal the action already acted on («По сделке уже …»). */
  alreadyDone: string;
  /** Acts through the PBX: only a user with a mapped extension may save a rule with it. */
  needsExtension: boolean;
  /** Why the action cannot be saved whatever the deal (checked by `rules.save`), or null. */
  problem(db: Db, input: { tenantId: string; action: ActionOf<K> }): Promise<string | null>;
  /** The dry run on a real deal, with the same functions `plan` uses. Sends nothing, writes nothing. */
  preview(db: Db, ctx: ActionContext, action: ActionOf<K>): Promise<ActionPreview>;
  /** Plans the intents for one deal occurrence, each keyed by `idempotencyKeyFor`, and queues their work. */
  plan(db: Db, queue: JobQueue, ctx: ActionContext, action: ActionOf<K>): Promise<ActionPlan>;
  /** The action's intents this rule already has for these deals (one query per page of deals). */
  earlier(db: Db, input: { tenantId: string; ruleId: string; leadIds: number[] }): Promise<EarlierIntent[]>;
  /** The jobs that carry the intents out (sending, outcomes …); registered with both job drivers. */
  jobs: JobDefinition[];
}

/**
 * One intent = (rule, deal, stage, trigger, occurrence). A webhook delivered again — or the same event
 * posted once per DP action when the widget sits twice on a stage — yields the same key, so it acts once;
 * the deal entering the stage again later is another move in amoCRM's event feed and acts again. The
 * action settings are left out on purpose: rules live in Amango, not in `dp.settings`. `part` names the
 * side effect inside the rule (e.g. "sms:client", "callback"), so each recipient of each action is
 * deduplicated on its own.
 */
export function idempotencyKeyFor(
  rule: Pick<Rule, "id">,
  leadId: number,
  event: Pick<DealEvent, "trigger" | "pipelineId" | "statusId" | "occurrence">,
  part?: string,
): string {
  const key = `rule:${rule.id}:lead:${leadId}:${event.pipelineId}:${event.statusId}:${event.trigger}:${event.occurrence}`;
  return part ? `${key}:${part}` : key;
}
