import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, type RuleRow, rules } from "@/db/schema";
import { RULE_SCHEMA_VERSION, type Rule, type RuleDraft, upgradeStoredRule } from "@/lib/domain/rules/schema";

const toRule = (row: RuleRow): Rule => upgradeStoredRule(row.document);

/** A tenant's rules, optionally of one pipeline / stage, oldest first (the order they run in). */
export async function listRules(
  db: Db,
  { tenantId, pipelineId, statusId }: { tenantId: string; pipelineId?: number; statusId?: number },
): Promise<Rule[]> {
  const rows = await db
    .select()
    .from(rules)
    .where(
      and(
        eq(rules.tenantId, tenantId),
        pipelineId !== undefined ? eq(rules.pipelineId, pipelineId) : undefined,
        statusId !== undefined ? eq(rules.statusId, statusId) : undefined,
      ),
    )
    .orderBy(asc(rules.createdAt), asc(rules.id));
  return rows.map(toRule);
}

export async function getRule(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  const [row] = await db
    .select()
    .from(rules)
    .where(and(eq(rules.tenantId, tenantId), eq(rules.id, id)));
  return row ? toRule(row) : null;
}

/**
 * Creates (no `id`) or replaces a rule; the author becomes whoever saved it last (MANGO's "лично вы" and
 * the SMS sender extension follow the person who answers for the rule). The audit row commits with it.
 * Null when `id` names no rule of this tenant.
 */
export async function saveRule(
  db: Db,
  input: { tenantId: string; actorUserId: string; authorAmoUserId: number; id?: string; draft: RuleDraft },
): Promise<Rule | null> {
  const { tenantId } = input;
  return db.transaction(async (tx) => {
    const before = input.id ? await getRule(tx as unknown as Db, { tenantId, id: input.id }) : null;
    if (input.id && !before) return null;
    const id = input.id ?? randomUUID();
    const rule: Rule = upgradeStoredRule({
      ...input.draft,
      version: RULE_SCHEMA_VERSION,
      id,
      authorAmoUserId: input.authorAmoUserId,
    });
    const columns = {
      pipelineId: rule.pipelineId,
      statusId: rule.statusId,
      document: rule,
      authorAmoUserId: rule.authorAmoUserId,
      enabled: rule.enabled,
    };
    if (before) {
      await tx
        .update(rules)
        .set(columns)
        .where(and(eq(rules.tenantId, tenantId), eq(rules.id, id)));
    } else {
      await tx.insert(rules).values({ id, tenantId, ...columns });
    }
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId: input.actorUserId,
      action: before ? "rule.update" : "rule.create",
      target: `rule:${id}`,
      before,
      after: rule,
    });
    return rule;
  });
}

/** False when the tenant has no such rule. */
export async function deleteRule(
  db: Db,
  { tenantId, actorUserId, id }: { tenantId: string; actorUserId: string; id: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(rules)
      .where(and(eq(rules.tenantId, tenantId), eq(rules.id, id)))
      .returning();
    if (!row) return false;
    await tx.insert(auditLog).values({
      tenantId,
      actorUserId,
      action: "rule.delete",
      target: `rule:${id}`,
      before: row.document,
      after: null,
    });
    return true;
  });
}
