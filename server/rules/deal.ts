import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, type Tenant } from "@/db/schema";
import type { DealTruth, PairedUser } from "@/server/actions/types";
import type { AmocrmClient } from "@/server/amocrm";
import type { AmoLead } from "@/server/amocrm/transform";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { mappedEmployeeOf } from "@/server/employees/queries";

/** An amoCRM user with the MANGO employee they are paired with (directory name, else the employee's). */
export async function smsEmployeeOf(
  db: Db,
  { tenantId, amoUserId }: { tenantId: string; amoUserId: number },
): Promise<PairedUser> {
  const [user] = await db
    .select({ name: amocrmUsers.name })
    .from(amocrmUsers)
    .where(and(eq(amocrmUsers.tenantId, tenantId), eq(amocrmUsers.amoUserId, amoUserId)));
  const mapped = await mappedEmployeeOf(db, { tenantId, amoUserId });
  return {
    amoUserId,
    name: user?.name ?? null,
    mapped: mapped ? { extension: mapped.extension, mobile: mapped.mobile, name: mapped.name } : null,
  };
}

export type { DealTruth } from "@/server/actions/types";

/**
 * The deal as amoCRM has it now (the webhook is only a hint): the lead with its contacts, tags, custom
 * fields and responsible, its main contact (the first contact when none is marked main), and the
 * responsible with their pairing. Null when amoCRM has no such deal (deleted since).
 */
export async function readDealTruth(
  db: Db,
  tenant: Pick<Tenant, "id" | "amocrmBaseUrl">,
  leadId: number,
): Promise<DealTruth | null> {
  const amo = amocrmClientFor(db, tenant);
  const lead = await readLiveLead(amo, leadId);
  return lead ? completeDealTruth(db, { tenantId: tenant.id, amo, lead }) : null;
}

/** The lead `with=contacts`, or null when amoCRM has none with this id or it is deleted. */
export async function readLiveLead(amo: AmocrmClient, leadId: number): Promise<AmoLead | null> {
  const lead = await amo.getLead(leadId, { withContacts: true });
  return lead && !lead.isDeleted ? lead : null;
}

/** The rest of the truth once the lead is read (and, for a DP trigger, confirmed). */
export async function completeDealTruth(
  db: Db,
  { tenantId, amo, lead }: { tenantId: string; amo: AmocrmClient; lead: AmoLead },
): Promise<DealTruth> {
  const main = lead.contacts.find((c) => c.isMain) ?? lead.contacts[0];
  const mainContact = main ? await amo.getContact(main.id) : null;
  const responsible =
    lead.responsibleUserId !== null
      ? await smsEmployeeOf(db, { tenantId, amoUserId: lead.responsibleUserId })
      : null;
  return { lead, mainContact, responsible };
}
