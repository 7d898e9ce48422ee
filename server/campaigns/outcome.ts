import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type CampaignTaskOutcome,
  type CampaignTaskRow,
  campaignTasks,
  rules,
  type StageMove,
} from "@/db/schema";
import { type CampaignAction, upgradeStoredRule } from "@/lib/domain/rules/schema";
import type { AmocrmClient } from "@/server/amocrm/api";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { safeErrorMessage } from "@/server/log/errors";
import type { MangoClient } from "@/server/mango/api";
import type { MangoCampaign, MangoCampaignTask } from "@/server/mango/domain";
import { MangoNotFoundError } from "@/server/mango/errors";
import { getTenant } from "@/server/tenancy/queries";

/**
 * How a campaign task ended, and «если оператор не смог дозвониться» (§2.5). MANGO sends no webhook when a
 * campaign task ends (reference §1.8), so every open task (added / duplicate, with MANGO's id, no outcome
 * yet) is asked about with a backoff — 1, 2, 5, 10, 30 minutes, then hourly — until MANGO calls it final:
 * - status 4 «завершен» with reason 1 «разговор состоялся» → reached: nothing more;
 * - status 4 with any other reason (busy, no answer, unavailable, no such number, black list, expired …)
 *   → not_reached: the rule's `onNotReached` — a task for the deal's responsible and/or the deal moved to
 *   the stage — once;
 * - the task deleted in MANGO, MANGO no longer knowing it (3300), its campaign completed / deleted / gone
 *   → stopped, with the reason: no outcome will ever come.
 * The row is the truth; no transaction is held across a MANGO or amoCRM request.
 *
 * Once: `amo_task_sent_at` is stamped before the amoCRM task is sent and `amo_task_id` right after it is
 * accepted, `outcome_applied_at` after the last step; a later pass that finds the stamp without the id (the
 * answer was lost, the process died) looks for the task by its marker before writing again — the approach
 * of server/callbacks/outcome.ts, keyed by the stamp instead of the attempt number because one pass serves
 * many tasks.
 */

export type PollMango = Pick<MangoClient, "listCampaigns" | "listCampaignTasks" | "getCampaignTask">;

/** Seconds until the next question about an open task, by the number of questions so far. */
export const POLL_STEPS_S = [60, 120, 300, 600, 1800, 3600] as const;
export const nextPollDelayS = (polls: number) => POLL_STEPS_S[Math.min(polls, POLL_STEPS_S.length - 1)]!;

/** A consequence that failed (amoCRM unreachable) is tried again this much later. */
export const APPLY_RETRY_S = 300;

/** Failed attempts to apply a not-reached outcome (5 minutes apart) before it is given up. */
export const MAX_APPLY_FAILURES = 12;

/** At most this many open tasks per pass; the rest are due at once and come in the next pass. */
const MAX_PER_PASS = 500;
/** Up to this many open tasks of a campaign are read one by one (`task`); more → the campaign's list. */
const FEW = 5;
const MAX_PAGES = 200;

/** amoCRM task type 1 = «Связаться». */
const TASK_TYPE_CALL = 1;
/** The responsible should call soon, while the deal is fresh. */
export const NOT_REACHED_TASK_DUE_S = 60 * 60;

/** MANGO's task `status_reason` (reference §1.6; 25 = `due_date` expired). */
const TASK_REASON_TEXT: Record<number, string> = {
  1: "разговор состоялся",
  2: "абонент занят",
  3: "абонент не взял трубку",
  4: "абонент недоступен",
  5: "оператор занят",
  6: "оператор не взял трубку",
  7: "оператор недоступен",
  8: "номер не существует",
  10: "оператор не дождался ответа клиента",
  11: "задание остановлено администратором",
  20: "задание остановлено оператором",
  21: "абонент недоступен (антиробот)",
  22: "абонент занят (антиробот)",
  23: "ответила голосовая почта (антиробот)",
  24: "клиент положил трубку при проверке (антиробот)",
  25: "истёк срок задания",
  26: "номер в списке запрещённых",
};

export const mangoReasonText = (code: number | null) =>
  code === null ? "MANGO не сообщил причину" : (TASK_REASON_TEXT[code] ?? `причина с кодом ${code}`);

/** What makes an amoCRM task ours and this campaign task's (amoCRM keeps no id of ours on a task). */
export const campaignTaskMarker = (rowId: string) => `[Amango ${rowId}]`;

const label = (row: Pick<CampaignTaskRow, "campaignId" | "campaignName">, c?: MangoCampaign) =>
  `«${c?.name ?? row.campaignName ?? `кампания #${row.campaignId}`}»`;

export const notReachedTaskText = (
  row: Pick<CampaignTaskRow, "id" | "campaignId" | "campaignName" | "mangoStatusReason">,
) =>
  `Оператор не дозвонился клиенту по кампании ${label(row)}: ${mangoReasonText(row.mangoStatusReason)}. ` +
  `Свяжитесь с клиентом ${campaignTaskMarker(row.id)}`;

type Final = { outcome: CampaignTaskOutcome; statusReason: number | null; reason: string };

/** What MANGO's view of one task means for us; null = still open, ask again later. */
export function finalOf(
  row: Pick<CampaignTaskRow, "campaignId" | "campaignName" | "mangoTaskId">,
  campaign: MangoCampaign | undefined,
  task: MangoCampaignTask | "gone" | undefined,
): Final | null {
  if (!campaign)
    return {
      outcome: "stopped",
      statusReason: null,
      reason: `Кампании ${label(row)} больше нет в MANGO OFFICE — итог задания не узнать`,
    };
  if (task === "gone")
    return {
      outcome: "stopped",
      statusReason: null,
      reason: `MANGO OFFICE больше не знает задание #${row.mangoTaskId} в кампании ${label(row, campaign)} (код 3300) — итог не узнать`,
    };
  if (task?.status === "finished") {
    const reached = task.statusReason === 1;
    return {
      outcome: reached ? "reached" : "not_reached",
      statusReason: task.statusReason,
      reason: reached
        ? `Клиент ответил оператору кампании ${label(row, campaign)}`
        : `Оператор не дозвонился клиенту по кампании ${label(row, campaign)}: ${mangoReasonText(task.statusReason)}`,
    };
  }
  if (task?.status === "deleted")
    return {
      outcome: "stopped",
      statusReason: task.statusReason,
      reason: `Задание удалено в кампании ${label(row, campaign)} — итог не узнать`,
    };
  // A task the campaign never dialled stays unfinished forever once the campaign is over.
  if (campaign.status === "completed")
    return {
      outcome: "stopped",
      statusReason: task?.statusReason ?? null,
      reason: `Кампания ${label(row, campaign)} завершена, задание не выполнено — итог не узнать`,
    };
  if (campaign.status === "deleting")
    return {
      outcome: "stopped",
      statusReason: task?.statusReason ?? null,
      reason: `Кампания ${label(row, campaign)} удаляется — итог задания не узнать`,
    };
  return null;
}

const openTask = (tenantId: string) =>
  and(
    eq(campaignTasks.tenantId, tenantId),
    inArray(campaignTasks.state, ["added", "duplicate"]),
    isNotNull(campaignTasks.mangoTaskId),
    isNull(campaignTasks.outcome),
  );

/**
 * MANGO's view of the given tasks of one campaign: one `task` each when few, else the campaign's list. A
 * `task` answered 3300 (gone) makes the rest of the pass use lists only: MANGO answers a second bad request
 * within two minutes with HTTP 401 (reference §1.2), which a list never provokes.
 */
async function readTasks(
  mango: PollMango,
  campaignId: number,
  taskIds: number[],
  pass: { sawGone: boolean },
): Promise<Map<number, MangoCampaignTask | "gone">> {
  const seen = new Map<number, MangoCampaignTask | "gone">();
  if (taskIds.length <= FEW && !pass.sawGone) {
    for (const id of taskIds) {
      try {
        seen.set(id, await mango.getCampaignTask(id));
      } catch (err) {
        if (!(err instanceof MangoNotFoundError)) throw err;
        seen.set(id, "gone");
        pass.sawGone = true;
        break;
      }
    }
    if (seen.size === taskIds.length) return seen;
  }
  const wanted = new Set(taskIds.filter((id) => !seen.has(id)));
  const found = new Set<number>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await mango.listCampaignTasks({ campaignIds: [campaignId], cursor });
    for (const t of res.tasks)
      if (wanted.has(t.taskId)) {
        seen.set(t.taskId, t);
        found.add(t.taskId);
      }
    cursor = res.cursor;
    if (!cursor || found.size === wanted.size) break;
  }
  // The list leaves deleted tasks out; a whole listing without one means MANGO no longer has it.
  if (!cursor) for (const id of wanted) if (!seen.has(id)) seen.set(id, "gone");
  return seen;
}

export type PolledTask = {
  leadId: number;
  campaign: string;
  mangoTaskId: number | null;
  outcome: CampaignTaskOutcome;
  mangoReason: number | null;
  reason: string;
};
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
export type PollResult = {
  asked: number;
  finished: PolledTask[];
  applied: AppliedOutcome[];
  errors: string[];
  /** Tasks still open, and when the next is due (null = none open: the chain ends). */
  open: number;
  nextAt: string | null;
};

/**
 * One pass over the tenant's open tasks due by `now`: MANGO is asked per campaign, final tasks get their
 * outcome on the row, the others their next time; then every not-reached outcome not yet applied is applied.
 * A MANGO or amoCRM failure of one campaign or deal is reported and tried again later, the rest go on.
 */
export async function pollCampaignTasks(
  db: Db,
  mango: PollMango,
  { tenantId, now = new Date() }: { tenantId: string; now?: Date },
): Promise<PollResult> {
  const due = await db
    .select()
    .from(campaignTasks)
    .where(and(openTask(tenantId), or(isNull(campaignTasks.nextPollAt), lte(campaignTasks.nextPollAt, now))))
    .orderBy(campaignTasks.nextPollAt)
    .limit(MAX_PER_PASS);
  const result: PollResult = {
    asked: due.length,
    finished: [],
    applied: [],
    errors: [],
    open: 0,
    nextAt: null,
  };

  if (due.length > 0) await askMango(db, mango, { due, now }, result);

  await applyPending(db, { tenantId, now }, result);

  const [open] = await db
    .select({ n: sql<number>`count(*)::int`, at: sql<Date | null>`min(${campaignTasks.nextPollAt})` })
    .from(campaignTasks)
    .where(openTask(tenantId));
  result.open = open?.n ?? 0;
  let nextAt = result.open > 0 ? new Date(open?.at ?? now) : null;
  const [pending] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(campaignTasks)
    .where(notApplied(tenantId));
  if ((pending?.n ?? 0) > 0) {
    const retry = new Date(now.getTime() + APPLY_RETRY_S * 1000);
    nextAt = nextAt && nextAt < retry ? nextAt : retry;
  }
  result.nextAt = nextAt?.toISOString() ?? null;
  return result;
}

/** MANGO's view of the due tasks, campaign by campaign: final ones settled, the others asked again later. */
async function askMango(
  db: Db,
  mango: PollMango,
  { due, now }: { due: CampaignTaskRow[]; now: Date },
  result: PollResult,
) {
  let campaigns: MangoCampaign[];
  try {
    campaigns = await mango.listCampaigns();
  } catch (err) {
    // MANGO unreachable or refusing: every due task waits for its next step; the chain goes on.
    result.errors.push(`MANGO OFFICE: ${safeErrorMessage(err)}`);
    await later(db, due, now);
    return;
  }
  const pass = { sawGone: false };
  const byCampaign = new Map<number, CampaignTaskRow[]>();
  for (const row of due) byCampaign.set(row.campaignId, [...(byCampaign.get(row.campaignId) ?? []), row]);
  for (const [campaignId, rows] of byCampaign) {
    const campaign = campaigns.find((c) => c.id === campaignId);
    let seen = new Map<number, MangoCampaignTask | "gone">();
    if (campaign) {
      try {
        seen = await readTasks(
          mango,
          campaignId,
          rows.map((r) => r.mangoTaskId!),
          pass,
        );
      } catch (err) {
        result.errors.push(`Кампания ${label(rows[0]!, campaign)}: ${safeErrorMessage(err)}`);
        await later(db, rows, now);
        continue;
      }
    }
    for (const row of rows) {
      const final = finalOf(row, campaign, seen.get(row.mangoTaskId!));
      if (!final) {
        await later(db, [row], now);
        continue;
      }
      if (await settleOutcome(db, row, final, now))
        result.finished.push({
          leadId: row.leadId,
          campaign: campaign?.name ?? row.campaignName ?? `#${row.campaignId}`,
          mangoTaskId: row.mangoTaskId,
          outcome: final.outcome,
          mangoReason: final.statusReason,
          reason: final.reason,
        });
    }
  }
}

/** Not final yet: asked again after the next backoff step. */
async function later(db: Db, rows: CampaignTaskRow[], now: Date) {
  for (const row of rows)
    await db
      .update(campaignTasks)
      .set({
        polls: row.polls + 1,
        nextPollAt: new Date(now.getTime() + nextPollDelayS(row.polls + 1) * 1000),
        updatedAt: now,
      })
      .where(and(eq(campaignTasks.tenantId, row.tenantId), eq(campaignTasks.id, row.id)));
}

/** Records the outcome once (a concurrent pass that got there first wins); reached/stopped need nothing more. */
async function settleOutcome(db: Db, row: CampaignTaskRow, final: Final, now: Date): Promise<boolean> {
  const settled = await db
    .update(campaignTasks)
    .set({
      outcome: final.outcome,
      mangoStatusReason: final.statusReason,
      outcomeReason: final.reason,
      finishedAt: now,
      nextPollAt: null,
      // From here on `polls` counts failed attempts to apply the outcome (failedToApply).
      polls: 0,
      outcomeAppliedAt: final.outcome === "not_reached" ? null : now,
      updatedAt: now,
    })
    .where(
      and(
        eq(campaignTasks.tenantId, row.tenantId),
        eq(campaignTasks.id, row.id),
        isNull(campaignTasks.outcome),
      ),
    )
    .returning({ id: campaignTasks.id });
  return settled.length > 0;
}

const notApplied = (tenantId: string) =>
  and(
    eq(campaignTasks.tenantId, tenantId),
    eq(campaignTasks.outcome, "not_reached"),
    isNull(campaignTasks.outcomeAppliedAt),
  );

async function applyPending(db: Db, { tenantId, now }: { tenantId: string; now: Date }, result: PollResult) {
  const pending = await db.select().from(campaignTasks).where(notApplied(tenantId)).limit(MAX_PER_PASS);
  if (pending.length === 0) return;
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return;
  const amo = amocrmClientFor(db, tenant);
  for (const row of pending) {
    try {
      result.applied.push(await applyNotReached(db, amo, row, now));
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) {
        result.errors.push("amoCRM нужно переподключить — действия «если не дозвонился» ждут");
        return;
      }
      result.errors.push(`Сделка #${row.leadId}: ${safeErrorMessage(err)}`);
      await failedToApply(db, row, safeErrorMessage(err), now, result);
    }
  }
}

/**
 * A failed attempt to apply (amoCRM down, or refusing this deal) is counted in `polls` — polling is over for
 * a task with an outcome — and tried again in the next pass; after MAX_APPLY_FAILURES the outcome is given
 * up with the error on the row, so a deal amoCRM always refuses does not keep the chain alive for ever.
 */
async function failedToApply(db: Db, row: CampaignTaskRow, error: string, now: Date, result: PollResult) {
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
  if (giveUp)
    result.errors.push(`Сделка #${row.leadId}: действие в amoCRM не выполнено после ${failures} попыток`);
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
