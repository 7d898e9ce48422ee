import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CampaignTaskOutcome, type CampaignTaskRow, campaignTasks } from "@/db/schema";
import { safeErrorMessage } from "@/server/log/errors";
import type { MangoClient } from "@/server/mango/api";
import type { MangoCampaign, MangoCampaignTask } from "@/server/mango/domain";
import { MangoNotFoundError } from "@/server/mango/errors";
import { APPLY_RETRY_S, type AppliedOutcome, applyPending, notApplied } from "./outcome-apply";
import { type Final, finalOf, label, nextPollDelayS } from "./outcome-verdict";

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
 * The row is the truth; no transaction is held across a MANGO or amoCRM request. This file asks MANGO;
 * outcome-verdict.ts says what an answer means; outcome-apply.ts does the not-reached action in amoCRM.
 *
 * Once: `amo_task_sent_at` is stamped before the amoCRM task is sent and `amo_task_id` right after it is
 * accepted, `outcome_applied_at` after the last step; a later pass that finds the stamp without the id (the
 * answer was lost, the process died) looks for the task by its marker before writing again — the approach
 * of server/callbacks/outcome.ts, keyed by the stamp instead of the attempt number because one pass serves
 * many tasks.
 */

export type PollMango = Pick<MangoClient, "listCampaigns" | "listCampaignTasks" | "getCampaignTask">;

/** At most this many open tasks per pass; the rest are due at once and come in the next pass. */
const MAX_PER_PASS = 500;
/** Up to this many open tasks of a campaign are read one by one (`task`); more → the campaign's list. */
const FEW = 5;
const MAX_PAGES = 200;

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

  const applied = await applyPending(db, { tenantId, now });
  result.applied.push(...applied.applied);
  result.errors.push(...applied.errors);

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
      const final = finalOf(row, campaign, seen.get(row.mangoTaskId!), now);
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
