// The client of a call in amoCRM: found by phone (the first-created duplicate wins) or created per the
// settings, under a per-tenant, per-number lease so concurrent calls from one new number create one contact
// and one deal.
import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import type { StageRef } from "@/lib/domain/settings/schema";
import type { AmocrmClient } from "@/server/amocrm";
import {
  type ContactCreate,
  type CustomFieldValueInput,
  type LeadCreate,
  phoneField,
} from "@/server/amocrm/requests";
import { withLease } from "@/server/leases/lease";
import { type ClientPlan, earliestContact, isOpenStatus } from "./decide";

export type CallClient = {
  contactId: number | null;
  /** The contact's responsible user: who a missed-call task goes to when the settings name nobody. */
  contactResponsibleId: number | null;
  /** The deal the call belongs to: the one created for it, or the contact's only open deal. */
  leadId: number | null;
  /** Contacts that carry this number; more than one means amoCRM's own linking may pick another one. */
  matches: number;
  createdContact: boolean;
  createdLead: boolean;
  plan: ClientPlan;
};

export type ResolveClientInput = {
  tenantId: string;
  /** E.164. */
  phone: string;
  responsibleUserId: number;
  contactName: string;
  /** More fields of a contact created here (the «ЦОВ» fields of a campaign call). */
  contactFields?: CustomFieldValueInput[];
  /** The settings' decision once we know whether the number is known (log-decide.ts `planClient`). */
  decide(known: { hasOpenDeal: boolean } | null): ClientPlan;
  /** The tenant's amoCRM client. */
  clientFor(db: Db): AmocrmClient;
  /**
   * Records the resolved client (call_logs) before the lease is given back, so neither a retry of this call
   * nor the next call from the number can miss what was created.
   */
  onResolved?(db: Db, client: CallClient): Promise<void>;
};

const stageOf = (stage: StageRef): Pick<LeadCreate, "pipeline_id" | "status_id"> =>
  stage ? { pipeline_id: stage.pipelineId, status_id: stage.statusId } : {};

/** MANGO's integration names the deal "Сделка <номер>" (mango-cc-and-widget.md §2.3). */
export const dealName = (phone: string) => `Сделка ${phone}`;

/**
 * The lease key of a client number: the card actions and the call log of one tenant and number share it. The
 * number is hashed: lease rows and their errors carry no phone.
 */
export const callClientLeaseKey = (tenantId: string, phone: string) =>
  `call-client:${tenantId}:${createHash("sha256").update(phone).digest("base64url").slice(0, 22)}`;

/**
 * Finds or creates the call's client. The search and the creation run under a lease on (tenant, number)
 * (server/leases/lease.ts): a second call from the same new number waits, then finds the contact the first
 * one created. No transaction or advisory lock is open while amoCRM answers, so a slow amoCRM pins no
 * pooled connection.
 */
export async function resolveCallClient(db: Db, input: ResolveClientInput): Promise<CallClient> {
  return withLease(db, callClientLeaseKey(input.tenantId, input.phone), async () => {
    const amo = input.clientFor(db);
    const contacts = await amo.findContactsByPhone(input.phone, { withLeads: true });
    const contact = earliestContact(contacts);
    const client = contact
      ? await knownClient(amo, input, contact, contacts.length)
      : await newClient(amo, input);
    await input.onResolved?.(db, client);
    return client;
  });
}

async function knownClient(
  amo: AmocrmClient,
  input: ResolveClientInput,
  contact: { id: number; responsibleUserId: number | null; leadIds: number[] },
  matches: number,
): Promise<CallClient> {
  const leads = contact.leadIds.length > 0 ? await amo.listLeads({ ids: contact.leadIds }) : [];
  const open = leads.filter((l) => !l.isDeleted && isOpenStatus(l.statusId));
  const plan = input.decide({ hasOpenDeal: open.length > 0 });
  const base = {
    contactId: contact.id,
    contactResponsibleId: contact.responsibleUserId,
    matches,
    createdContact: false,
    plan,
  };
  if (plan.kind === "existing" && plan.deal) {
    const [lead] = await amo.createLeads([
      {
        name: dealName(input.phone),
        responsible_user_id: input.responsibleUserId,
        ...stageOf(plan.deal.stage),
        _embedded: { contacts: [{ id: contact.id, is_main: true }] },
      },
    ]);
    return { ...base, leadId: lead?.id ?? null, createdLead: Boolean(lead) };
  }
  // amoCRM attaches a call to a contact's deal only when it is the only open one (amocrm-api.md §6.8).
  return { ...base, leadId: open.length === 1 ? open[0]!.id : null, createdLead: false };
}

async function newClient(amo: AmocrmClient, input: ResolveClientInput): Promise<CallClient> {
  const plan = input.decide(null);
  const none = {
    contactId: null,
    contactResponsibleId: null,
    leadId: null,
    matches: 0,
    createdContact: false,
    createdLead: false,
    plan,
  };
  const contact: ContactCreate = {
    name: input.contactName,
    responsible_user_id: input.responsibleUserId,
    custom_fields_values: [phoneField(input.phone), ...(input.contactFields ?? [])],
  };
  if (plan.kind === "contact") {
    const [created] = await amo.createContacts([contact]);
    if (!created) return none;
    return {
      ...none,
      contactId: created.id,
      contactResponsibleId: input.responsibleUserId,
      createdContact: true,
    };
  }
  if (plan.kind === "contact_and_deal") {
    // One request creates both, so a failure never leaves a contact without its deal.
    const [created] = await amo.createLeadsComplex([
      {
        name: dealName(input.phone),
        responsible_user_id: input.responsibleUserId,
        ...stageOf(plan.stage),
        _embedded: { contacts: [contact] },
      },
    ]);
    if (!created) return none;
    return {
      ...none,
      contactId: created.contactId,
      contactResponsibleId: input.responsibleUserId,
      leadId: created.leadId,
      createdContact: created.contactId !== null && !created.merged,
      createdLead: true,
    };
  }
  return none;
}
