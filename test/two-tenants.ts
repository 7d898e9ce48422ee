// Two tenants on one test database for the list/page tests: «Ромашка» (ours, with its owner) and «Василёк»,
// whose rows must never show up in Ромашка's lists.
import type { Db } from "@/db/client";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";

export const ROMASHKA_URL = "https://romashka.amocrm.ru";

export async function createTwoTenants(
  db: Db,
  o: { amocrmBaseUrl?: string } = {},
): Promise<{ tenantId: string; otherTenantId: string; ownerId: string }> {
  const ours = await createTenant(db, {
    amocrmAccountId: 1,
    amocrmSubdomain: "romashka",
    amocrmBaseUrl: o.amocrmBaseUrl ?? ROMASHKA_URL,
    name: "Ромашка",
  });
  const other = await createTenant(db, {
    amocrmAccountId: 2,
    amocrmSubdomain: "vasilek",
    amocrmBaseUrl: "https://vasilek.amocrm.ru",
    name: "Василёк",
  });
  const owner = await upsertUser(db, { amocrmUserId: 11, name: "Анна" });
  await addMembership(db, { tenantId: ours.id, userId: owner.id, role: "owner" });
  return { tenantId: ours.id, otherTenantId: other.id, ownerId: owner.id };
}
