// «Создать контакт» / «Создать сделку» on the card of a new number. Idempotent per call and per number: the
// search and the creation run under the same lease as the call log's (contacts.ts), so a second click, a
// second tab, or the log job finishing at that moment finds the contact the first one made. No transaction or
// advisory lock is open while amoCRM answers.
// A Contact Center campaign call's new contact is named after the task's client and gets the three ЦОВ
// fields, as the call log would give it (campaign.ts).
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { calls, type Tenant } from "@/db/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { type CustomFieldValueInput, phoneField } from "@/server/amocrm/requests";
import { openCallPhone } from "@/server/calls/phone";
import { type CampaignClient, campaignClientOf, ccContactFields } from "@/server/calls/write/campaign";
import { callClientLeaseKey, dealName } from "@/server/calls/write/contacts";
import { campaignTaskOf, earliestContact, isOpenStatus, newClientName } from "@/server/calls/write/decide";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { mappedEmployeeOf } from "@/server/employees/queries";
import { withLease } from "@/server/leases/lease";
import { campaignCardSettings, campaignClientOfCard } from "./campaign";
import { type CardClient, forgetCardClient, lookupCardClient } from "./card";
import { liveCallFor, replaceCardClient } from "./events";

export type CardAction = "contact" | "deal";

export type CardActionResult =
  | { ok: true; contactId: number; leadId: number | null; created: boolean; client: CardClient }
  | { ok: false; reason: "call_not_found" };

/**
 * What this process created per call. amoCRM's search can lag behind a contact created a moment ago; within
 * one instance this keeps a quick second click from creating a second contact even then.
 */
const MEMO_LIMIT = 5_000;
const createdFor = new Map<string, { contactId: number; leadId: number | null }>();

type CallOfUser = { phone: string; taskId: number | null; campaign: CampaignClient | null };

/** The call's client number, if this user's extension rang in it (live, or from the call row). */
async function callForUser(
  db: Db,
  { tenantId, entryId, amoUserId }: { tenantId: string; entryId: string; amoUserId: number },
): Promise<CallOfUser | null> {
  const liveCall = liveCallFor(tenantId, entryId, amoUserId);
  if (liveCall) {
    const c = liveCall.card.campaign;
    // Known from the card once MANGO answered; else asked again below.
    const campaign = c && c.campaignId !== null ? campaignClientOfCard(c) : null;
    return { phone: liveCall.phone, taskId: c?.taskId ?? null, campaign };
  }
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.entryId, entryId)));
  const mapped = await mappedEmployeeOf(db, { tenantId, amoUserId });
  const phone = row ? openCallPhone(row) : null;
  if (!row || !phone || !mapped?.extension) return null;
  if (!(row.rangExtensions as string[]).includes(mapped.extension)) return null;
  return { phone, taskId: campaignTaskOf(row), campaign: null };
}

/** A campaign call's contact: its name and ЦОВ fields; null when the call may not act (КЦ integration off). */
async function campaignContact(
  db: Db,
  tenant: Tenant,
  call: CallOfUser,
): Promise<{ name: string | null; fields: CustomFieldValueInput[] } | null> {
  if (call.taskId === null) return { name: null, fields: [] };
  if (!(await campaignCardSettings(db, tenant.id)).enabled) return null;
  const taskId = call.taskId;
  const campaign =
    call.campaign ??
    (await campaignClientOf(db, { tenantId: tenant.id, taskId }).catch(
      (): CampaignClient => ({ campaignId: null, campaignName: null, clientId: taskId, clientName: null }),
    ));
  return { name: campaign.clientName, fields: await ccContactFields(db, tenant, campaign) };
}

export async function createFromCard(
  db: Db,
  input: {
    tenant: Tenant;
    amoUserId: number;
    entryId: string;
    action: CardAction;
    now?: Date;
  },
  deps: { clientFor?: (db: Db) => AmocrmClient } = {},
): Promise<CardActionResult> {
  const { tenant, amoUserId, entryId, action } = input;
  const clientFor = deps.clientFor ?? ((d: Db) => amocrmClientFor(d, tenant));
  const call = await callForUser(db, { tenantId: tenant.id, entryId, amoUserId });
  // Before the number's lease: ensuring the ЦОВ fields takes a lease of its own.
  const campaign = call && (await campaignContact(db, tenant, call));
  if (!call || !campaign) return { ok: false, reason: "call_not_found" };
  const { phone } = call;
  const memoKey = `${tenant.id}:${entryId}`;

  const made = await withLease(db, callClientLeaseKey(tenant.id, phone), async () => {
    const amo = clientFor(db);
    const memo = createdFor.get(memoKey);
    const found = earliestContact(await amo.findContactsByPhone(phone, { withLeads: true }));
    const contact =
      found ?? (memo ? { id: memo.contactId, leadIds: memo.leadId ? [memo.leadId] : [] } : null);
    const newContact = {
      name: campaign.name ?? newClientName(input.now ?? new Date(), tenant.timeZone),
      responsible_user_id: amoUserId,
      custom_fields_values: [phoneField(phone), ...campaign.fields],
    };
    if (action === "contact") {
      if (contact) return { contactId: contact.id, leadId: null, created: false };
      const [c] = await amo.createContacts([newContact]);
      if (!c) throw new Error("amoCRM created no contact");
      return { contactId: c.id, leadId: null, created: true };
    }
    if (contact) {
      const leads = contact.leadIds.length > 0 ? await amo.listLeads({ ids: contact.leadIds }) : [];
      const open = leads.find((l) => !l.isDeleted && isOpenStatus(l.statusId));
      if (open) return { contactId: contact.id, leadId: open.id, created: false };
      const [lead] = await amo.createLeads([
        {
          name: dealName(phone),
          responsible_user_id: amoUserId,
          _embedded: { contacts: [{ id: contact.id, is_main: true }] },
        },
      ]);
      return { contactId: contact.id, leadId: lead?.id ?? null, created: Boolean(lead) };
    }
    // One request makes both, so a failure never leaves a contact without its deal.
    const [both] = await amo.createLeadsComplex([
      { name: dealName(phone), responsible_user_id: amoUserId, _embedded: { contacts: [newContact] } },
    ]);
    if (!both?.contactId) throw new Error("amoCRM created no contact with the deal");
    return { contactId: both.contactId, leadId: both.leadId, created: true };
  });
  createdFor.set(memoKey, { contactId: made.contactId, leadId: made.leadId });
  // Oldest first (insertion order): the memo only has to cover the minutes around a call.
  while (createdFor.size > MEMO_LIMIT) createdFor.delete(createdFor.keys().next().value!);

  forgetCardClient(tenant.id, phone);
  const client = await lookupCardClient(db, clientFor(db), {
    tenantId: tenant.id,
    baseUrl: tenant.amocrmBaseUrl,
    phone,
  }).catch(() => null);
  const shown: CardClient =
    client && client.status === "known"
      ? client
      : {
          status: "known",
          contact: {
            id: made.contactId,
            name: newContact(made.contactId),
            url: `${tenant.amocrmBaseUrl}/contacts/detail/${made.contactId}`,
          },
          company: null,
          responsible: null,
          leads: made.leadId
            ? [
                {
                  id: made.leadId,
                  name: dealName(phone),
                  price: 0,
                  url: `${tenant.amocrmBaseUrl}/leads/detail/${made.leadId}`,
                },
              ]
            : [],
        };
  replaceCardClient(tenant.id, entryId, shown);
  return { ok: true, ...made, client: shown };
}

/** The name shown while amoCRM's search has not caught up with a contact we just created. */
const newContact = (id: number) => `#${id}`;
