// ★ The deal multi-select field «Тематики КЦ»: created on first use, its options kept in step with MANGO's
// topic tree (one option per topic that is not a folder, named by its path), so amoCRM's reports and
// filters can use the topics. Options are matched to topics by the enum id we stored, so a renamed topic
// renames its option instead of adding another; options of topics MANGO removed stay (deals keep values).
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmAccountState, ccTopics } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import type { AmoCustomField } from "@/server/amocrm/transform";
import { withLease } from "@/server/leases/lease";
import { type TopicNode, topicPath } from "./tree";

export const TOPICS_FIELD_NAME = "Тематики КЦ";

/** The options the field should have: every topic that is not a folder, by its unique path. */
export function desiredOptions(nodes: TopicNode[]): { topicId: number; value: string }[] {
  const byId = new Map(nodes.map((n) => [n.topicId, n]));
  const seen = new Set<string>();
  const out: { topicId: number; value: string }[] = [];
  for (const n of [...nodes].sort((a, b) => a.topicId - b.topicId)) {
    if (n.isFolder) continue;
    let value = topicPath(n.topicId, byId);
    // Two topics with one path (same names under same parent) still need two options.
    if (seen.has(value)) value = `${value} (#${n.topicId})`;
    seen.add(value);
    out.push({ topicId: n.topicId, value });
  }
  return out;
}

type EnumPatch = { id?: number; value: string; sort?: number };

/**
 * The field's new option list: ours by stored id (renamed when the path changed), new topics appended, any
 * other option kept as it is. Null when nothing changes.
 */
export function mergeOptions(
  field: Pick<AmoCustomField, "enums">,
  desired: { topicId: number; value: string }[],
  enumOf: ReadonlyMap<number, number>,
): EnumPatch[] | null {
  const existing = new Map(field.enums.map((e) => [e.id, e]));
  let changed = false;
  const claimed = new Set<number>();
  const ours: EnumPatch[] = desired.map((d) => {
    const id = enumOf.get(d.topicId);
    const current = id === undefined ? undefined : existing.get(id);
    // A lost id (someone deleted the option): an option with the same text is taken over, else a new one.
    const byValue = current ?? field.enums.find((e) => e.value === d.value && !claimed.has(e.id));
    if (byValue) {
      claimed.add(byValue.id);
      if (byValue.value !== d.value) changed = true;
      return { id: byValue.id, value: d.value };
    }
    changed = true;
    return { value: d.value };
  });
  if (!changed) return null;
  const others = field.enums.filter((e) => !claimed.has(e.id)).map((e) => ({ id: e.id, value: e.value }));
  return [...others, ...ours].map((e, i) => ({ ...e, sort: (i + 1) * 10 }));
}

/**
 * Makes the field and its options match the cached tree (under a per-tenant lease: two calls never create
 * two fields) and returns topic id → option id for the topics asked about.
 */
export async function ensureTopicsField(
  db: Db,
  { tenantId, amo, nodes }: { tenantId: string; amo: AmocrmClient; nodes: TopicNode[] },
): Promise<{ fieldId: number; enumOf: Map<number, number> }> {
  return withLease(db, `cc-topics-field:${tenantId}`, async () => {
    const [state] = await db
      .select({ fieldId: amocrmAccountState.ccTopicsFieldId })
      .from(amocrmAccountState)
      .where(eq(amocrmAccountState.tenantId, tenantId));
    const stored = await db
      .select({ topicId: ccTopics.topicId, enumId: ccTopics.amoEnumId })
      .from(ccTopics)
      .where(and(eq(ccTopics.tenantId, tenantId), isNull(ccTopics.removedAt)));
    const enumOf = new Map(
      stored.filter((s) => s.enumId !== null).map((s) => [s.topicId, s.enumId!] as [number, number]),
    );
    const desired = desiredOptions(nodes);
    const fields = await amo.listCustomFields("leads");
    let field =
      fields.find((f) => f.id === state?.fieldId) ??
      fields.find((f) => f.name.trim() === TOPICS_FIELD_NAME && f.type === "multiselect");
    if (!field) {
      const [created] = await amo.createCustomFields("leads", [
        {
          name: TOPICS_FIELD_NAME,
          type: "multiselect",
          enums: desired.map((d, i) => ({ value: d.value, sort: (i + 1) * 10 })),
          request_id: "cc-topics",
        },
      ]);
      if (!created) throw new Error(`amoCRM не вернул созданное поле «${TOPICS_FIELD_NAME}»`);
      field = created;
      enumOf.clear();
    } else {
      const patch = mergeOptions(field, desired, enumOf);
      if (patch) {
        const [updated] = await amo.updateCustomFields("leads", [{ id: field.id, enums: patch }]);
        if (updated) field = updated;
      }
    }
    const fieldId = field.id;
    // Options are matched back to topics by their text: each desired value is unique (desiredOptions).
    const idOfValue = new Map(field.enums.map((e) => [e.value, e.id]));
    const result = new Map<number, number>();
    for (const d of desired) {
      const id = idOfValue.get(d.value);
      if (id === undefined) continue;
      result.set(d.topicId, id);
      if (enumOf.get(d.topicId) !== id)
        await db
          .update(ccTopics)
          .set({ amoEnumId: id })
          .where(and(eq(ccTopics.tenantId, tenantId), eq(ccTopics.topicId, d.topicId)));
    }
    if (state?.fieldId !== fieldId)
      await db
        .insert(amocrmAccountState)
        .values({ tenantId, ccTopicsFieldId: fieldId })
        .onConflictDoUpdate({ target: amocrmAccountState.tenantId, set: { ccTopicsFieldId: fieldId } });
    return { fieldId, enumOf: result };
  });
}

/** Adds the call's topics to the deal's field, keeping the values it already has (a multi-select PATCH replaces). */
export async function setDealTopics(
  amo: AmocrmClient,
  { leadId, fieldId, enumIds }: { leadId: number; fieldId: number; enumIds: number[] },
): Promise<void> {
  if (enumIds.length === 0) return;
  const lead = await amo.getLead(leadId);
  const current = (lead?.customFields.find((f) => f.fieldId === fieldId)?.values ?? [])
    .map((v) => v.enumId)
    .filter((id): id is number => id !== null);
  const all = [...new Set([...current, ...enumIds])];
  if (all.length === current.length) return;
  await amo.updateLeads([
    {
      id: leadId,
      custom_fields_values: [{ field_id: fieldId, values: all.map((enum_id) => ({ enum_id })) }],
    },
  ]);
}
