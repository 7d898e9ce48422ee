import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { amocrmUsers, type Tenant } from "@/db/schema";
import type { AmoContact, AmoLead } from "@/server/amocrm/transform";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { mappedEmployeeOf } from "@/server/employees/queries";
import type { SmsEmployee } from "@/server/sms/recipients";

/** An amoCRM user with the MANGO employee they are paired with (directory name, else the employee's). */
export async function smsEmployeeOf(
  db: Db,
  { tenantId, amoUserId }: { tenantId: string; amoUserId: number },
): Promise<SmsEmployee> {
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

export type DealTruth = { lead: AmoLead; mainContact: AmoContact | null; responsible: SmsEmployee | null };

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
  const lead = await amo.getLead(leadId, { withContacts: true });
  if (!lead || lead.isDeleted) return null;
  const main = lead.contacts.find((c) => c.isMain) ?? lead.contacts[0];
  const mainContact = main ? await amo.getContact(main.id) : null;
  const responsible =
    lead.responsibleUserId !== null
      ? await smsEmployeeOf(db, { tenantId: tenant.id, amoUserId: lead.responsibleUserId })
      : null;
  return { lead, mainContact, responsible };
}
