import { and, asc, count, desc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callbackPacing, callbackQueue, callbackRulePauses, rules } from "@/db/schema";
import { AUTO_CALLBACK_DEFAULT_RATE } from "@/lib/domain/settings/schema";
import { accountDaySql, chartWindow } from "@/server/reports/account-days";
import { getSettings } from "@/server/settings/queries";
import { withinWorkingHours } from "./hours";

/**
 * The auto-callback queue as people see it (Настройки → «Автоперезвоны в Digital воронке», the queue view):
 * how many wait, where each stands and when it should ring, the rules with items, and the daily chart.
 * Every query names the tenant. The changes people make are in manage.ts.
 */

export type CallbackItemState = (typeof callbackQueue.$inferSelect)["state"];

/** Why no item has an estimated time: the rate is 0 («на паузе»), or outside the working hours. */
export type QueueWaiting = "paused" | "outside_hours" | null;

/** How many items of the tenant wait in the queue. */
export async function queuedCount(db: Db, { tenantId }: { tenantId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.state, "queued")));
  return row?.n ?? 0;
}

export type QueueItem = {
  id: string;
  state: CallbackItemState;
  ruleId: string | null;
  ruleName: string;
  rulePaused: boolean;
  leadId: number;
  leadName: string | null;
  targetType: "responsible" | "employee" | "group";
  targetName: string | null;
  targetExtension: string;
  lineNumber: string | null;
  /** Masked (+7999***4567). */
  phone: string;
  /** 1-based place among the items that will be dialed (queued, rule not paused); null otherwise. */
  position: number | null;
  estimatedAt: Date | null;
  callNowAt: Date | null;
  queuedAt: Date;
  finishedAt: Date | null;
  reason: string | null;
};

const itemColumns = {
  id: callbackQueue.id,
  state: callbackQueue.state,
  ruleId: callbackQueue.ruleId,
  ruleName: callbackQueue.ruleName,
  leadId: callbackQueue.leadId,
  leadName: callbackQueue.leadName,
  targetType: callbackQueue.targetType,
  targetName: callbackQueue.targetName,
  targetExtension: callbackQueue.targetExtension,
  lineNumber: callbackQueue.lineNumber,
  phone: callbackQueue.phone,
  callNowAt: callbackQueue.callNowAt,
  queuedAt: callbackQueue.queuedAt,
  finishedAt: callbackQueue.finishedAt,
  reason: callbackQueue.reason,
};

/**
 * The queue view: the queued items in the order they will ring («Позвонить сейчас» first, then queue order;
 * a paused rule's items after, without a place), each with its place and estimated time —
 * max(now, next slot) + (place − 1) · 60 / rate — or none, and why (`waiting`); then the items that left the
 * queue, newest first. Both lists are paged by offset.
 */
export async function listQueue(
  db: Db,
  input: {
    tenantId: string;
    timeZone: string;
    now?: Date;
    queuedOffset?: number;
    queuedLimit?: number;
    finishedOffset?: number;
    finishedLimit?: number;
  },
) {
  const { tenantId } = input;
  const now = input.now ?? new Date();
  const queuedLimit = input.queuedLimit ?? 50;
  const finishedLimit = input.finishedLimit ?? 20;
  const [{ settings }, [pacing], paused] = await Promise.all([
    getSettings(db, { tenantId }),
    db
      .select({ nextSlotAt: callbackPacing.nextSlotAt })
      .from(callbackPacing)
      .where(eq(callbackPacing.tenantId, tenantId)),
    pausedRules(db, { tenantId }),
  ]);
  const auto = settings.calls.autoCallback;
  const rate = auto.ratePerMinute ?? AUTO_CALLBACK_DEFAULT_RATE;
  const waiting: QueueWaiting =
    rate === 0
      ? "paused"
      : withinWorkingHours(auto.workingHours, input.timeZone, now)
        ? null
        : "outside_hours";
  const pausedIds = new Set(paused.map((p) => p.ruleId));

  const pausedSql = sql<boolean>`exists (select 1 from ${callbackRulePauses} p where p.tenant_id = ${tenantId} and p.rule_id = ${callbackQueue.ruleId})`;
  const queuedWhere = and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.state, "queued"));
  const [queuedRows, [total], finishedRows, [finishedTotal]] = await Promise.all([
    db
      .select(itemColumns)
      .from(callbackQueue)
      .where(queuedWhere)
      .orderBy(pausedSql, sql`${callbackQueue.callNowAt} asc nulls last`, asc(callbackQueue.seq))
      .limit(queuedLimit)
      .offset(input.queuedOffset ?? 0),
    db.select({ n: count() }).from(callbackQueue).where(queuedWhere),
    db
      .select(itemColumns)
      .from(callbackQueue)
      .where(and(eq(callbackQueue.tenantId, tenantId), ne(callbackQueue.state, "queued")))
      .orderBy(
        desc(
          sql`coalesce(${callbackQueue.finishedAt}, ${callbackQueue.dispatchedAt}, ${callbackQueue.queuedAt})`,
        ),
        desc(callbackQueue.seq),
      )
      .limit(finishedLimit)
      .offset(input.finishedOffset ?? 0),
    db
      .select({ n: count() })
      .from(callbackQueue)
      .where(and(eq(callbackQueue.tenantId, tenantId), ne(callbackQueue.state, "queued"))),
  ]);

  // Places count only items that will ring: the ones before this page that are not of a paused rule.
  const offset = input.queuedOffset ?? 0;
  let before = 0;
  if (offset > 0) {
    const [row] = await db
      .select({ n: count() })
      .from(
        db
          .select({ id: callbackQueue.id, paused: pausedSql.as("paused") })
          .from(callbackQueue)
          .where(queuedWhere)
          .orderBy(pausedSql, sql`${callbackQueue.callNowAt} asc nulls last`, asc(callbackQueue.seq))
          .limit(offset)
          .as("before_page"),
      )
      .where(sql`not paused`);
    before = row?.n ?? 0;
  }
  const start = new Date(Math.max(now.getTime(), pacing?.nextSlotAt?.getTime() ?? 0));
  const stepMs = rate > 0 ? 60_000 / rate : 0;
  let place = before;
  const queued: QueueItem[] = queuedRows.map((r) => {
    const rulePaused = r.ruleId !== null && pausedIds.has(r.ruleId);
    const position = rulePaused ? null : ++place;
    const estimatedAt =
      position === null || waiting !== null ? null : new Date(start.getTime() + (position - 1) * stepMs);
    return { ...r, rulePaused, position, estimatedAt };
  });
  const finished: QueueItem[] = finishedRows.map((r) => ({
    ...r,
    rulePaused: r.ruleId !== null && pausedIds.has(r.ruleId),
    position: null,
    estimatedAt: null,
  }));
  return {
    rate,
    waiting,
    workingHours: auto.workingHours,
    queued: { items: queued, total: total?.n ?? 0 },
    finished: { items: finished, total: finishedTotal?.n ?? 0 },
    pausedRules: paused,
    rules: await queueRules(db, { tenantId, pausedIds }),
  };
}

const ruleNameSql = sql<string>`coalesce(${rules.document}->>'name', '')`;

/** The tenant's paused rules with their names. */
export async function pausedRules(db: Db, { tenantId }: { tenantId: string }) {
  return db
    .select({
      ruleId: callbackRulePauses.ruleId,
      pausedAt: callbackRulePauses.pausedAt,
      ruleName: ruleNameSql,
    })
    .from(callbackRulePauses)
    .innerJoin(rules, and(eq(rules.tenantId, tenantId), eq(rules.id, callbackRulePauses.ruleId)))
    .where(eq(callbackRulePauses.tenantId, tenantId))
    .orderBy(ruleNameSql);
}

/** Rules with items in the queue (for «Приостановить» / «Возобновить»), with how many wait and whether paused. */
async function queueRules(db: Db, { tenantId, pausedIds }: { tenantId: string; pausedIds: Set<string> }) {
  const rows = await db
    .select({
      ruleId: callbackQueue.ruleId,
      ruleName: sql<string>`max(${callbackQueue.ruleName})`,
      n: count(),
    })
    .from(callbackQueue)
    .where(
      and(
        eq(callbackQueue.tenantId, tenantId),
        eq(callbackQueue.state, "queued"),
        isNotNull(callbackQueue.ruleId),
      ),
    )
    .groupBy(callbackQueue.ruleId)
    .orderBy(sql`max(${callbackQueue.ruleName})`);
  return rows.map((r) => ({
    ruleId: r.ruleId!,
    ruleName: r.ruleName,
    queued: r.n,
    paused: pausedIds.has(r.ruleId!),
  }));
}

export type CallbackDayCounts = { day: string; queued: number; succeeded: number; failed: number };

/**
 * Per account day of the period: items queued that day, and items that ended that day succeeded / failed
 * (a call MANGO never reported, `expired`, counts as failed). Days without items count zero.
 */
export async function dailyStats(
  db: Db,
  {
    tenantId,
    timeZone,
    from,
    to: until,
    now,
  }: { tenantId: string; timeZone: string; from: Date; to?: Date; now?: Date },
): Promise<CallbackDayCounts[]> {
  const to = until ?? now ?? new Date();
  const window = chartWindow(from, to, timeZone);
  if (!window) return [];
  const start = window.from;
  const queuedDay = accountDaySql(sql`${callbackQueue.queuedAt}`, timeZone);
  const finishedDay = accountDaySql(sql`${callbackQueue.finishedAt}`, timeZone);
  const [queuedRows, finishedRows] = await Promise.all([
    db
      .select({ day: queuedDay, n: count() })
      .from(callbackQueue)
      .where(
        and(
          eq(callbackQueue.tenantId, tenantId),
          sql`${callbackQueue.queuedAt} >= ${start} and ${callbackQueue.queuedAt} <= ${to}`,
        ),
      )
      .groupBy(queuedDay),
    db
      .select({
        day: finishedDay,
        succeeded: sql<number>`count(*) filter (where ${callbackQueue.state} = 'succeeded')`.mapWith(Number),
        failed: sql<number>`count(*) filter (where ${callbackQueue.state} in ('failed', 'expired'))`.mapWith(
          Number,
        ),
      })
      .from(callbackQueue)
      .where(
        and(
          eq(callbackQueue.tenantId, tenantId),
          isNotNull(callbackQueue.finishedAt),
          sql`${callbackQueue.finishedAt} >= ${start} and ${callbackQueue.finishedAt} <= ${to}`,
        ),
      )
      .groupBy(finishedDay),
  ]);
  const queued = new Map(queuedRows.map((r) => [r.day, r.n]));
  const finished = new Map(finishedRows.map((r) => [r.day, r]));
  return window.days.map((day) => ({
    day,
    queued: queued.get(day) ?? 0,
    succeeded: finished.get(day)?.succeeded ?? 0,
    failed: finished.get(day)?.failed ?? 0,
  }));
}
