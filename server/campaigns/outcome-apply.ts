// «Если оператор не смог дозвониться»: a not-reached outcome applied in amoCRM once (outcome.ts finds it).
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CampaignTaskRow, campaignTasks, rules, type StageMove } from "@/db/schema";
import { type CampaignAction, upgradeStoredRule } from "@/lib/domain/rules/schema";
import type { AmocrmClient } from "@/server/amocrm/api";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { safeErrorMessage } from "@/server/log/errors";
import { getTenant } from "@/server/tenancy/queries";
import { campaignTaskMarker, notReachedTaskText } from "./outcome-verdict";

/** A consequence that failed (amoCRM unreachable) is tried again this much later. */
export const APPLY_RETRY_S = 300;

/** Failed attempts to apply a not-reached outcome (5 minutes apart) before it is given up. */
export const MAX_APPLY_FAILURES = 12;

/** amoCRM task type 1 = «Связаться». */
const TASK_TYPE_CALL = 1;
/** The responsible should call soon, while the deal is fresh. */
export const NOT_REACHED_TASK_DUE_S = 60 * 60;

/** At most this many outcomes are applied per pass; the rest come in the next one. */
const MAX_PER_PASS = 500;

export type AppliedOutcome = {
  leadId: number;
  reason: string | null;
  amoTaskId: number | null;
  /** The task was found in amoCRM (an earlier pass's write whose answer was lost), not created now. */
  taskFound?: true;
  movedTo: StageMove | null;
  /** Why nothing was done in amoCRM. */
  nothing?: string;
};

export const notApplied = (tenantId: string) =>
  and(
    eq(campaignTasks.tenantId, tenantId),
    eq(campaignTasks.outcome, "not_reached"),
    isNull(campaignTasks.outcomeAppliedAt),
  );

export type AppliedPass = { applied: AppliedOutcome[]; errors: string[] };

/** Applies every not-reached outcome not applied yet; a failure of one deal is reported and tried later. */
export async function applyPending(
  db: Db,
  { tenantId, now }: { tenantId: string; now: Date },
): Promise<AppliedPass> {
  const result: AppliedPass = { applied: [], errors: [] };
  const pending = await db.select().from(campaignTasks).where(notApplied(tenantId)).limit(MAX_PER_PASS);
  if (pending.length === 0) return result;
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return result;
  const amo = amocrmClientFor(db, tenant);
  for (const row of pending) {
    try {
      result.applied.push(await applyNotReached(db, amo, row, now));
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) {
        result.errors.push("amoCRM нужно переподключить — действия «если не дозвонился» ждут");
        return result;
      }
      result.errors.push(`Сделка #${row.leadId}: ${safeErrorMessage(err)}`);
      const givenUp = await failedToApply(db, row, safeErrorMessage(err), now);
      if (givenUp) result.errors.push(givenUp);
    }
  }
  return result;
}

/**
 * A failed attempt to apply (amoCRM down, or refusing this deal) is counted in `polls` — polling is over for
 * a task with an outcome — and tried again in the next pass; after MAX_APPLY_FAILURES the outcome is given
 * up with the error on the row (and the reason returned), so a deal amoCRM always refuses does not keep the chain alive for ever.
 */
async function failedToApply(db: Db, row: CampaignTaskRow, error: string, now: Date): Promise<string | null> {
  const failures = row.polls + 1;
  const giveUp = failures >= MAX_APPLY_FAILURES;
  await db
    .update(campaignTasks)
    .set({
      polls: failures,
      ...(giveUp
        ? {
            outcomeAppliedAt: now,
            outcomeReason: `${row.outcomeReason ?? ""}. Действие в amoCRM не выполнено: ${error}`,
          }
        : {}),
      updatedAt: now,
    })
    .where(
      and(
        eq(campaignTasks.tenantId, row.tenantId),
        eq(campaignTasks.id, row.id),
        isNull(campaignTasks.outcomeAppliedAt),
      ),
    );
  return giveUp ? `Сделка #${row.leadId}: действие в amoCRM не выполнено после ${failures} попыток` : null;
}

async function markApplied(db: Db, row: CampaignTaskRow, now: Date) {
  await db
    .update(campaignTasks)
    .set({ outcomeAppliedAt: now, updatedAt: now })
    .where(
      and(
        eq(campaignTasks.tenantId, row.tenantId),
        eq(campaignTasks.id, row.id),
        isNull(campaignTasks.outcomeAppliedAt),
      ),
    );
}

/**
 * «Если оператор не смог дозвониться» of the rule that added the task, read now (the rule may have changed
 * or gone since: gone → nothing). amoCRM errors throw (the pass reports them and tries later).
 */
export async function applyNotReached(
  db: Db,
  amo: Pick<AmocrmClient, "getLead" | "listTasks" | "createTasks" | "updateLeads">,
  row: CampaignTaskRow,
  now: Date = new Date(),
): Promise<AppliedOutcome> {
  const base = { leadId: row.leadId, reason: row.outcomeReason };
  const nothing = async (why: string): Promise<AppliedOutcome> => {
    await markApplied(db, row, now);
    return { ...base, amoTaskId: null, movedTo: null, nothing: why };
  };
  // Read here rather than through server/rules (an action does not import the rules engine).
  const [stored] = row.ruleId
    ? await db
        .select({ document: rules.document })
        .from(rules)
        .where(and(eq(rules.tenantId, row.tenantId), eq(rules.id, row.ruleId)))
    : [];
  const action = (stored ? upgradeStoredRule(stored.document) : null)?.actions.find(
    (a): a is CampaignAction => a.kind === "campaign" && a.campaignId === row.campaignId,
  );
  if (!action) return nothing("правила с этой кампанией больше нет — действие не выполняется");
  const { task, stage } = action.onNotReached;
  if (!task && !stage) return nothing("в правиле не выбрано действие на случай, если не дозвонились");
  const lead = await amo.getLead(row.leadId, { withContacts: false });
  if (!lead || lead.isDeleted) return nothing(`сделка #${row.leadId} не найдена в amoCRM`);

  let amoTaskId = row.amoTaskId;
  let taskFound = false;
  if (task && amoTaskId === null) {
    const marker = campaignTaskMarker(row.id);
    if (row.amoTaskSentAt) {
      const existing = await amo.listTasks({
        taskType: TASK_TYPE_CALL,
        entity: { type: "leads", id: row.leadId },
        updatedFrom: Math.floor(row.amoTaskSentAt.getTime() / 1000) - 60,
      });
      const found = existing.find((t) => t.text?.includes(marker));
      if (found) {
        amoTaskId = found.id;
        taskFound = true;
      }
    } else {
      await db
        .update(campaignTasks)
        .set({ amoTaskSentAt: now, updatedAt: now })
        .where(and(eq(campaignTasks.tenantId, row.tenantId), eq(campaignTasks.id, row.id)));
    }
    if (amoTaskId === null) {
      const [created] = await amo.createTasks([
        {
          text: notReachedTaskText(row),
          complete_till: Math.floor(now.getTime() / 1000) + NOT_REACHED_TASK_DUE_S,
          task_type_id: TASK_TYPE_CALL,
          entity_type: "leads",
          entity_id: row.leadId,
          ...(lead.responsibleUserId !== null ? { responsible_user_id: lead.responsibleUserId } : {}),
        },
      ]);
      if (!created) throw new Error("amoCRM не вернул созданную задачу");
      amoTaskId = created.id;
    }
    await db
      .update(campaignTasks)
      .set({ amoTaskId, updatedAt: now })
      .where(and(eq(campaignTasks.tenantId, row.tenantId), eq(campaignTasks.id, row.id)));
  }
  // Moving the deal to the same stage again is harmless, so a pass after a lost answer simply repeats it.
  if (stage)
    await amo.updateLeads([{ id: row.leadId, pipeline_id: stage.pipelineId, status_id: stage.statusId }]);
  await markApplied(db, row, now);
  return { ...base, amoTaskId, ...(taskFound ? { taskFound: true as const } : {}), movedTo: stage };
}
