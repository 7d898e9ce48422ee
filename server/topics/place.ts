// Where a call's topics go in amoCRM and the note itself (seed §2.8, ./plan.ts `placeTopics`). The deal is
// found or created under the call client's per-number lease (the one call logging and the card actions
// take), and recorded on the call_topics row before the lease is given back: concurrent calls from one new
// number make one contact, and a retried run never makes a second deal for one call.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallRow, type CallTopicsRow, callLogs, callTopics, type Tenant } from "@/db/schema";
import type { StageRef } from "@/lib/domain/settings/schema";
import type { AmocrmClient } from "@/server/amocrm";
import { type CustomFieldValueInput, type LeadCreate, phoneField, textNote } from "@/server/amocrm/requests";
import { campaignClientOf, ccContactFields } from "@/server/calls/write/campaign";
import { callClientLeaseKey, dealName } from "@/server/calls/write/contacts";
import { campaignTaskOf, earliestContact, isOpenStatus, newClientName } from "@/server/calls/write/decide";
import { withLease } from "@/server/leases/lease";
import { type KnownClient, noteMarker, type Placement, placeTopics } from "./plan";

const stageOf = (stage: StageRef): Pick<LeadCreate, "pipeline_id" | "status_id"> =>
  stage ? { pipeline_id: stage.pipelineId, status_id: stage.statusId } : {};

/** Call logging has not decided this call's client yet: placing now could make a second deal for it. */
export class CallLogPendingError extends Error {
  constructor() {
    super("звонок ещё записывается в amoCRM — тематики подождут, чтобы не создать вторую сделку");
  }
}

export type PlaceOptions = {
  tenant: Tenant;
  row: CallTopicsRow;
  call: CallRow & { clientPhone: string };
  settings: { stageIfDeal: StageRef; stageIfNoDeal: StageRef; intoOpenDeal: boolean };
  responsibleUserId: number | null;
  amo: AmocrmClient;
};

/** The deal of the note: recorded on the row (once), so later steps and retries use the same one. */
export async function placeDeal(
  db: Db,
  o: PlaceOptions,
): Promise<{ leadId: number; contactId: number | null; placement: Placement["kind"] }> {
  if (o.row.leadId !== null && o.row.placement !== null)
    return { leadId: o.row.leadId, contactId: o.row.contactId, placement: o.row.placement };
  const tenantId = o.tenant.id;
  // A new contact of a campaign call is named after the campaign's client and gets the «ЦОВ» fields, as
  // call logging does; both are read before the lease (ensuring the fields takes a lease of its own).
  const taskId = campaignTaskOf(o.call);
  const campaign = taskId === null ? null : await campaignClientOf(db, { tenantId, taskId });
  const contactFields = campaign ? await ccContactFields(db, o.tenant, campaign) : [];
  return withLease(db, callClientLeaseKey(tenantId, o.call.clientPhone), async () => {
    const [log] = await db
      .select()
      .from(callLogs)
      .where(and(eq(callLogs.tenantId, tenantId), eq(callLogs.callId, o.call.id)));
    // Call logging runs first (seconds after the summary); while it has not resolved the client, it may
    // still create a deal for this call.
    if (log && log.state === "in_progress" && !log.clientResolvedAt) throw new CallLogPendingError();
    const callLogLeadId = log?.clientResolvedAt && log.createdLead ? log.leadId : null;
    const client = await knownClient(o.amo, o.call.clientPhone);
    const plan = placeTopics({ callLogLeadId, client, settings: o.settings });
    if (plan.kind === "call_log_deal" && plan.stage) {
      // The deal exists only because of this call: it takes the stage a deal made for the topics would.
      await o.amo.updateLeads([{ id: plan.leadId, ...stageOf(plan.stage) }]);
    }
    const placed = await applyPlacement(o, plan, {
      contactName: campaign?.clientName ?? newClientName(o.call.startedAt ?? new Date(), o.tenant.timeZone),
      contactFields,
      contactId: client?.contactId ?? log?.contactId ?? null,
    });
    await db
      .update(callTopics)
      .set({
        leadId: placed.leadId,
        contactId: placed.contactId,
        placement: plan.kind,
        updatedAt: new Date(),
      })
      .where(and(eq(callTopics.tenantId, tenantId), eq(callTopics.id, o.row.id)));
    return { ...placed, placement: plan.kind };
  });
}

async function knownClient(amo: AmocrmClient, phone: string): Promise<KnownClient> {
  const contact = earliestContact(await amo.findContactsByPhone(phone, { withLeads: true }));
  if (!contact) return null;
  const leads = contact.leadIds.length > 0 ? await amo.listLeads({ ids: contact.leadIds }) : [];
  const open = leads
    .filter((l) => !l.isDeleted && isOpenStatus(l.statusId))
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0) || b.id - a.id);
  return { contactId: contact.id, openLeadIds: open.map((l) => l.id) };
}

async function applyPlacement(
  o: PlaceOptions,
  plan: Placement,
  n: { contactName: string; contactFields: CustomFieldValueInput[]; contactId: number | null },
): Promise<{ leadId: number; contactId: number | null }> {
  const responsible = o.responsibleUserId !== null ? { responsible_user_id: o.responsibleUserId } : {};
  switch (plan.kind) {
    case "call_log_deal":
    case "open_deal":
      return { leadId: plan.leadId, contactId: n.contactId };
    case "new_deal": {
      const [lead] = await o.amo.createLeads([
        {
          name: dealName(o.call.clientPhone),
          ...responsible,
          ...stageOf(plan.stage),
          _embedded: { contacts: [{ id: plan.contactId, is_main: true }] },
        },
      ]);
      if (!lead) throw new Error("amoCRM не вернул созданную сделку");
      return { leadId: lead.id, contactId: plan.contactId };
    }
    case "new_contact": {
      // One request creates both, so a failure never leaves a contact without its deal.
      const [created] = await o.amo.createLeadsComplex([
        {
          name: dealName(o.call.clientPhone),
          ...responsible,
          ...stageOf(plan.stage),
          _embedded: {
            contacts: [
              {
                name: n.contactName,
                ...responsible,
                custom_fields_values: [phoneField(o.call.clientPhone), ...n.contactFields],
              },
            ],
          },
        },
      ]);
      if (!created) throw new Error("amoCRM не вернул созданные контакт и сделку");
      return { leadId: created.leadId, contactId: created.contactId };
    }
  }
}

/**
 * The note, once: stamped before it is sent; a run that finds the stamp without the note's id first looks
 * for it among the deal's notes by the call's marker.
 */
export async function writeTopicsNote(
  db: Db,
  o: { tenantId: string; row: CallTopicsRow; leadId: number; text: string; amo: AmocrmClient },
): Promise<number | null> {
  if (o.row.noteId !== null) return o.row.noteId;
  const where = and(eq(callTopics.tenantId, o.tenantId), eq(callTopics.id, o.row.id));
  if (o.row.noteAttemptedAt) {
    const notes = await o.amo.listEntityNotes("leads", o.leadId, { noteTypes: ["common"] });
    const marker = noteMarker(o.row.entryId);
    const found = notes.find((n) => typeof n.params?.text === "string" && n.params.text.includes(marker));
    if (found) {
      await db.update(callTopics).set({ noteId: found.id, updatedAt: new Date() }).where(where);
      return found.id;
    }
  }
  await db.update(callTopics).set({ noteAttemptedAt: new Date(), updatedAt: new Date() }).where(where);
  const [note] = await o.amo.addNotes("leads", [textNote(o.leadId, o.text)]);
  const noteId = note?.id ?? null;
  await db.update(callTopics).set({ noteId, updatedAt: new Date() }).where(where);
  return noteId;
}
