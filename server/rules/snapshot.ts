import type { RuleTrigger } from "@/lib/domain/rules/schema";
import type { AmoContact, AmoCustomFieldValue, AmoLead, AmoPhone } from "@/server/amocrm/transform";

/**
 * One occurrence of a deal event on a stage, whatever brought it (DP webhook, account webhook, the
 * "apply to current deals" job). Rules are picked by stage + trigger; `occurrence` tells this occurrence
 * from another of the same trigger on the same deal and stage, and goes into the idempotency key:
 * - DP webhook: what amoCRM confirmed (dp-confirm.ts) — `amo:move:<event id>` of the stage move in
 *   amoCRM's event feed, `amo:created` for a deal created in the stage — so a body re-posted with another
 *   time is the same occurrence; other triggers `dp:<type>:<event.time>` (a redelivery carries the same body);
 * - apply to current deals: `current-deals` (one intent per rule and deal, so re-running never resends);
 * - account webhooks (responsible changed, deal lost): the wiring session picks the field that makes a
 *   redelivery equal (e.g. the lead's `last_modified`).
 */
export type DealEvent = {
  trigger: RuleTrigger;
  pipelineId: number;
  statusId: number;
  occurrence: string;
};

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
