import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { amocrmAccountState } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { withLease } from "@/server/leases/lease";

/** The contact fields MANGO's Contact Center integration fills (mango-cc-and-widget.md §2). */
export const CC_CONTACT_FIELDS = {
  campaignName: "ЦОВ: Привлечен кампанией исходящего обзвона",
  campaignId: "ЦОВ: Идентификатор кампании исходящего обзвона",
  clientId: "ЦОВ: Идентификатор Клиента",
} as const;
export type CcFieldKey = keyof typeof CC_CONTACT_FIELDS;
export const ccFieldIdsSchema = z.record(z.enum(["campaignName", "campaignId", "clientId"]), z.number());

/**
 * Makes sure the three "ЦОВ" contact fields exist, creating only the missing ones. Runs under a per-tenant
 * lease (server/leases/lease.ts) and re-reads the account's fields inside it, so two concurrent connects
 * create each field once; no transaction or advisory lock is open while amoCRM answers. Returns the amoCRM
 * field ids, also kept for the calls feature.
 */
export async function ensureCcContactFields(
  db: Db,
  { tenantId, clientFor }: { tenantId: string; clientFor: (db: Db) => AmocrmClient },
): Promise<{ ids: Record<CcFieldKey, number>; created: CcFieldKey[] }> {
  return withLease(db, `cc-fields:${tenantId}`, async () => {
    const client = clientFor(db);
    const existing = await client.listCustomFields("contacts");
    const byName = new Map(existing.map((f) => [f.name.trim().toLowerCase(), f.id]));
    const ids: Partial<Record<CcFieldKey, number>> = {};
    const missing: CcFieldKey[] = [];
    for (const [key, name] of Object.entries(CC_CONTACT_FIELDS) as [CcFieldKey, string][]) {
      const id = byName.get(name.toLowerCase());
      if (id === undefined) missing.push(key);
      else ids[key] = id;
    }
    if (missing.length > 0) {
      const created = await client.createCustomFields(
        "contacts",
        missing.map((key) => ({ name: CC_CONTACT_FIELDS[key], type: "text", request_id: key })),
      );
      for (const field of created) {
        const key = missing.find((k) => CC_CONTACT_FIELDS[k] === field.name);
        if (key) ids[key] = field.id;
      }
    }
    const complete = ccFieldIdsSchema.parse(ids) as Record<CcFieldKey, number>;
    await db
      .insert(amocrmAccountState)
      .values({ tenantId, ccFieldIds: complete, ccFieldsEnsuredAt: new Date() })
      .onConflictDoUpdate({
        target: amocrmAccountState.tenantId,
        set: { ccFieldIds: complete, ccFieldsEnsuredAt: new Date() },
      });
    return { ids: complete, created: missing };
  });
}

export async function ccFieldState(db: Db, { tenantId }: { tenantId: string }) {
  const [row] = await db.select().from(amocrmAccountState).where(eq(amocrmAccountState.tenantId, tenantId));
  const ids = ccFieldIdsSchema.safeParse(row?.ccFieldIds);
  return { ensuredAt: row?.ccFieldsEnsuredAt ?? null, ids: ids.success ? ids.data : null };
}
