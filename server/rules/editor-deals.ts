import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, type Tenant } from "@/db/schema";
import { amocrmClientFor } from "@/server/connections/amocrm";

/** One page is enough for a picker: the admin narrows it with the search rather than scrolling 250 deals. */
export const STAGE_DEALS_PAGE = 50;

/**
 * Deals now in a stage, newest activity first, for the editor's preview picker. `query` is amoCRM's own
 * full-text search (name, id, field values, contact names), so the picker finds a deal by its client too.
 */
export async function listStageDeals(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  { pipelineId, statusId, query }: { pipelineId: number; statusId: number; query?: string },
) {
  const amo = amocrmClientFor(db, tenant);
  const leads = await amo.listLeads(
    {
      statuses: [{ pipelineId, statusId }],
      query: query?.trim() || undefined,
      order: { field: "updated_at", direction: "desc" },
    },
    { maxPages: 1, limit: STAGE_DEALS_PAGE },
  );
  const live = leads.filter((l) => !l.isDeleted && l.pipelineId === pipelineId && l.statusId === statusId);
  const userIds = [
    ...new Set(live.map((l) => l.responsibleUserId).filter((id): id is number => id !== null)),
  ];
  const names = new Map(
    userIds.length === 0
      ? []
      : (
          await db
            .select({ id: amocrmUsers.amoUserId, name: amocrmUsers.name })
            .from(amocrmUsers)
            .where(and(eq(amocrmUsers.tenantId, tenant.id), inArray(amocrmUsers.amoUserId, userIds)))
        ).map((u) => [u.id, u.name] as const),
  );
  return {
    deals: live.map((l) => ({
      id: l.id,
      name: l.name,
      price: l.price,
      responsibleName: l.responsibleUserId === null ? null : (names.get(l.responsibleUserId) ?? null),
      tags: l.tags.map((t) => t.name),
    })),
    more: leads.length >= STAGE_DEALS_PAGE,
  };
}
