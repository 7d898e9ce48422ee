// The owner's journal: `activity_log` entries grouped by their subject key (a call, an SMS, a deal event,
// an application), one row per group. The row's outcome is the group's deciding job (calls.log, sms.send,
// the rules jobs) or else its latest job, else its latest webhook entry; entries without a key stand alone.
// Cursor over groups: (first entry's time, key), newest first, so new steps of a shown group never move it.
import { and, asc, desc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ActivityStatus, activityLog, jobRuns } from "@/db/schema";
import { type JournalFacts, journalFacts } from "./journal-facts";
import { ownerReason } from "./reasons";

/** Jobs whose state is the business outcome of their group. */
export const OUTCOME_KINDS = [
  "calls.log",
  "sms.send",
  "rules.evaluate",
  "rules.account-event",
  "rules.apply-current",
] as const;

/** Routine work an owner never needs to see succeed; it shows when it fails. */
export const HOUSEKEEPING_KINDS = [
  "activity.prune",
  "amocrm.sync-directory",
  "amocrm.refresh-stale-directories",
  "sms.notes",
  "sms.notes-sweep",
] as const;

export const PROBLEM_STATUSES = ["failed", "skipped", "rejected"] as const satisfies ActivityStatus[];

export type JournalCursor = { at: string; key: string };
export type JournalFilter = {
  tenantId: string;
  amocrmBaseUrl: string;
  problemsOnly?: boolean;
  from?: Date;
  to?: Date;
  cursor?: JournalCursor;
  limit: number;
};

export type JournalStep = {
  id: string;
  source: "webhook" | "job";
  kind: string;
  status: ActivityStatus;
  reason: string | null;
  attempts: number;
  createdAt: Date;
};

export type JournalGroup = {
  key: string;
  at: Date;
  /** What the row is about, from the key's prefix or else the outcome entry's kind. */
  category: "call" | "sms" | "deal" | "apply" | "other";
  /** The entry the outcome comes from (its technical detail: `activity.get`). */
  entryId: string;
  kind: string;
  status: ActivityStatus;
  subject: string | null;
  /** In Russian (reasons.ts); `rawReason` is what was recorded. */
  reason: string | null;
  rawReason: string | null;
  /** Something in the group failed or was rejected, even if the outcome is fine now. */
  hadProblem: boolean;
  facts: JournalFacts;
  steps: JournalStep[];
};

const groupKey = sql<string>`coalesce(${activityLog.subjectKey}, 'entry:' || ${activityLog.id}::text)`;
const outcomeRank = sql`case when ${activityLog.kind} in (${sql.join(
  OUTCOME_KINDS.map((k) => sql`${k}`),
  sql`, `,
)}) then 0 when ${activityLog.source} = 'job' then 1 else 2 end`;
const MAX_STEPS = 40;

export const categoryOf = (key: string): JournalGroup["category"] => {
  if (key.startsWith("call:")) return "call";
  if (key.startsWith("sms:")) return "sms";
  if (key.startsWith("lead:")) return "deal";
  if (key.startsWith("apply:")) return "apply";
  return "other";
};

export async function listJournal(
  db: Db,
  f: JournalFilter,
): Promise<{ items: JournalGroup[]; nextCursor: JournalCursor | null }> {
  const own = eq(activityLog.tenantId, f.tenantId);
  const groups = db.$with("journal_groups").as(
    db
      .select({
        gkey: sql<string>`${groupKey}`.as("gkey"),
        firstAt:
          sql<string>`to_char(min(${activityLog.createdAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
            "first_at",
          ),
        hadProblem: sql<boolean>`bool_or(${activityLog.status} in ('failed', 'rejected'))`.as("had_problem"),
      })
      .from(activityLog)
      .where(own)
      .groupBy(sql`1`),
  );
  const outcomes = db.$with("journal_outcomes").as(
    db
      .selectDistinctOn([groupKey], {
        okey: sql<string>`${groupKey}`.as("okey"),
        id: activityLog.id,
        kind: activityLog.kind,
        source: activityLog.source,
        sourceId: activityLog.sourceId,
        status: activityLog.status,
        subject: activityLog.subject,
        reason: activityLog.reason,
      })
      .from(activityLog)
      .where(own)
      .orderBy(groupKey, outcomeRank, desc(activityLog.createdAt), desc(activityLog.id)),
  );
  const firstAt = sql`${groups.firstAt}::timestamptz`;
  const conditions: (SQL | undefined)[] = [
    f.from ? sql`${firstAt} >= ${f.from.toISOString()}::timestamptz` : undefined,
    f.to ? sql`${firstAt} <= ${f.to.toISOString()}::timestamptz` : undefined,
    f.cursor ? sql`(${firstAt}, ${groups.gkey}) < (${f.cursor.at}::timestamptz, ${f.cursor.key})` : undefined,
    f.problemsOnly
      ? or(inArray(outcomes.status, [...PROBLEM_STATUSES]), sql`${groups.hadProblem}`)
      : sql`not (${outcomes.kind} in (${sql.join(
          HOUSEKEEPING_KINDS.map((k) => sql`${k}`),
          sql`, `,
        )}) and ${outcomes.status} in ('done', 'skipped'))`,
  ];
  const rows = await db
    .with(groups, outcomes)
    .select({
      key: groups.gkey,
      firstAt: groups.firstAt,
      hadProblem: groups.hadProblem,
      id: outcomes.id,
      kind: outcomes.kind,
      status: outcomes.status,
      subject: outcomes.subject,
      reason: outcomes.reason,
      result: jobRuns.result,
    })
    .from(groups)
    .innerJoin(outcomes, eq(outcomes.okey, groups.gkey))
    .leftJoin(
      jobRuns,
      and(eq(outcomes.source, "job"), eq(jobRuns.id, outcomes.sourceId), eq(jobRuns.tenantId, f.tenantId)),
    )
    .where(and(...conditions))
    .orderBy(desc(firstAt), desc(groups.gkey))
    .limit(f.limit);

  const steps = await stepsOf(
    db,
    f.tenantId,
    rows.map((r) => r.key),
  );
  const facts = await journalFacts(db, {
    tenantId: f.tenantId,
    amocrmBaseUrl: f.amocrmBaseUrl,
    groups: rows.map((r) => ({ key: r.key, result: r.result })),
  });
  const items = rows.map(
    (r): JournalGroup => ({
      key: r.key,
      at: new Date(r.firstAt),
      category: categoryOf(r.key),
      entryId: r.id,
      kind: r.kind,
      status: r.status,
      subject: r.subject,
      reason: ownerReason(r.reason),
      rawReason: r.reason,
      hadProblem: Boolean(r.hadProblem),
      facts: facts.get(r.key) ?? {},
      steps: steps.get(r.key) ?? [],
    }),
  );
  const last = rows[rows.length - 1];
  return { items, nextCursor: rows.length === f.limit && last ? { at: last.firstAt, key: last.key } : null };
}

/** The entries of the page's groups, oldest first (a group of one is its own entry). */
async function stepsOf(db: Db, tenantId: string, keys: string[]): Promise<Map<string, JournalStep[]>> {
  const byKey = new Map<string, JournalStep[]>();
  if (keys.length === 0) return byKey;
  const subjectKeys = keys.filter((k) => !k.startsWith("entry:"));
  const ids = keys.filter((k) => k.startsWith("entry:")).map((k) => k.slice("entry:".length));
  const rows = await db
    .select({
      key: sql<string>`${groupKey}`,
      id: activityLog.id,
      source: activityLog.source,
      kind: activityLog.kind,
      status: activityLog.status,
      reason: activityLog.reason,
      attempts: activityLog.attempts,
      createdAt: activityLog.createdAt,
    })
    .from(activityLog)
    .where(
      and(
        eq(activityLog.tenantId, tenantId),
        or(
          subjectKeys.length ? inArray(activityLog.subjectKey, subjectKeys) : undefined,
          ids.length ? inArray(activityLog.id, ids) : undefined,
        ),
      ),
    )
    .orderBy(asc(activityLog.createdAt), asc(activityLog.id));
  for (const { key, ...step } of rows) {
    const list = byKey.get(key) ?? [];
    if (list.length < MAX_STEPS) list.push(step);
    byKey.set(key, list);
  }
  return byKey;
}
