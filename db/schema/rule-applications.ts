import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { primaryId, timestamps, ts } from "./_columns";
import { tenantRef } from "./_tenant-ref";
import { users } from "./members";
import { rules } from "./rules";

export const ruleApplicationStatus = pgEnum("rule_application_status", [
  "running",
  "done",
  "cancelled",
  "failed",
]);

/** Counters of one application; also kept as the checkpoint at the last finished page. */
export type RuleApplicationCounters = {
  processed: number;
  queued: number;
  skipped: number;
  failed: number;
  /** Reason text → how many deals were skipped for it. */
  skipReasons: Record<string, number>;
};

/**
 * One run of a rule over the deals now in its stage ("Применить триггер к текущим сделкам в статусе"): the
 * progress the portal polls, the page cursor a retried job resumes from, and the cancel flag the job checks
 * between deals. At most one running application per rule (partial unique index): a second start returns it.
 */
export const ruleApplications = pgTable(
  "rule_applications",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    /** The stage at start (the rule may be moved to another stage while it runs). */
    pipelineId: bigint("pipeline_id", { mode: "number" }).notNull(),
    statusId: bigint("status_id", { mode: "number" }).notNull(),
    status: ruleApplicationStatus("status").notNull().default("running"),
    startedByUserId: uuid("started_by_user_id").references(() => users.id, { onDelete: "set null" }),
    /** Deals in the stage when counted; null until the job has counted them. */
    total: integer("total"),
    processed: integer("processed").notNull().default(0),
    /** SMS (and later other actions) queued by this application. */
    queued: integer("queued").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    skipReasons: jsonb("skip_reasons").$type<Record<string, number>>().notNull().default({}),
    /** The next amoCRM page (1-based) to process; pages before it are done. */
    cursorPage: integer("cursor_page").notNull().default(1),
    /** The counters as they were when `cursor_page` was reached: a resumed page starts from them. */
    checkpoint: jsonb("checkpoint").$type<RuleApplicationCounters | null>(),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    /** Why it failed (Russian, shown in the portal). */
    error: text("error"),
    finishedAt: ts("finished_at"),
    ...timestamps,
  },
  (t) => [
    index("rule_applications_tenant_rule").on(t.tenantId, t.ruleId, t.createdAt),
    uniqueIndex("rule_applications_one_running").on(t.tenantId, t.ruleId).where(sql`${t.status} = 'running'`),
  ],
);

export type RuleApplicationRow = typeof ruleApplications.$inferSelect;
