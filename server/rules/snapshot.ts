import type { DealEvent } from "@/server/actions/types";
import type { AmoContact, AmoCustomFieldValue, AmoLead, AmoPhone } from "@/server/amocrm/transform";

export type { DealEvent } from "@/server/actions/types";

/**
 * What rules are evaluated against: the deal as read from amoCRM when the job runs (the webhook is only a
 * hint), its main contact and the event. Tags by name: conditions name tags, not ids.
 */
export type DealSnapshot = {
  deal: {
    id: number;
    name: string;
    price: number;
    pipelineId: number;
    statusId: number;
    responsibleUserId: number | null;
    /** For reason texts only; null when the directory does not know the user. */
    responsibleUserName: string | null;
    tags: string[];
    customFields: AmoCustomFieldValue[];
  };
  mainContact: { id: number; name: string; phones: AmoPhone[] } | null;
  event: DealEvent;
};

/** The snapshot from the amoCRM client's domain types (server/amocrm/transform.ts). */
export function dealSnapshotFrom({
  lead,
  mainContact,
  event,
  responsibleUserName = null,
}: {
  lead: AmoLead;
  mainContact: AmoContact | null;
  event: DealEvent;
  responsibleUserName?: string | null;
}): DealSnapshot {
  return {
    deal: {
      id: lead.id,
      name: lead.name,
      price: lead.price,
      pipelineId: lead.pipelineId,
      statusId: lead.statusId,
      responsibleUserId: lead.responsibleUserId,
      responsibleUserName,
      tags: lead.tags.map((t) => t.name),
      customFields: lead.customFields,
    },
    mainContact: mainContact
      ? { id: mainContact.id, name: mainContact.name, phones: mainContact.phones }
      : null,
    event,
  };
}
