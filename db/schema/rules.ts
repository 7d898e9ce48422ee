import { bigint, boolean, index, jsonb, pgTable } from "drizzle-orm/pg-core";
import { primaryId, timestamps } from "./_columns";
import { tenantRef } from "./_tenant-ref";

/**
 * Digital-pipeline rules of a tenant, several per stage. The rule itself is a versioned JSON document
 * (lib/domain/rules/schema.ts `ruleSchema`, read through `upgradeStoredRule`); pipeline, stage, author and
 * `enabled` are copied into columns so the DP job finds a stage's rules with one indexed query.
 */
export const rules = pgTable(
  "rules",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    pipelineId: bigint("pipeline_id", { mode: "number" }).notNull(),
    statusId: bigint("status_id", { mode: "number" }).notNull(),
    // Validated on every read and write by the rules capability; the schema layer does not know its type.
    document: jsonb("document").notNull(),
    authorAmoUserId: bigint("author_amo_user_id", { mode: "number" }).notNull(),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps,
  },
  (t) => [index("rules_tenant_stage").on(t.tenantId, t.pipelineId, t.statusId)],
);

export type RuleRow = typeof rules.$inferSelect;
