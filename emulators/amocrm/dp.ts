// Digital Pipeline widget webhooks (reference §4.3): when a lead enters/moves inside/leaves the stage(s)
// where a widget action is placed, amoCRM POSTs the event to the widget's dp.webhook_url.
import type { Delivery, Emu } from "./context";
import { deliver, toForm } from "./deliver";
import type { Account, DpAction, Lead } from "./state";

export const DP_TYPES = {
  lead_added: 1,
  lead_status_changed: 14,
  lead_appeared_in_status: 15,
} as const;
export type DpTypeCode = keyof typeof DP_TYPES;
export type Direction = "went_to_trigger" | "went_in_trigger" | "went_from_trigger";

export function dpPayload(
  acc: Account,
  action: DpAction,
  lead: Lead,
  typeCode: DpTypeCode,
  direction: Direction,
  time: number,
) {
  return {
    event: {
      type: DP_TYPES[typeCode],
      type_code: typeCode,
      data: {
        id: lead.id,
        element_type: 2,
        status_id: lead.status_id,
        pipeline_id: lead.pipeline_id,
        direction_of_movement: direction,
      },
      time,
    },
    action: { settings: { widget: { settings: action.settings } } },
    subdomain: acc.subdomain,
    account_id: acc.id,
  };
}

function send(emu: Emu, acc: Account, action: DpAction, lead: Lead, type: DpTypeCode, dir: Direction) {
  const payload = dpPayload(acc, action, lead, type, dir, emu.clock.nowSec());
  // Both encodings are documented: JSON (official docs) and bracket-form (what community code receives).
  const form = action.encoding === "form";
  return deliver(emu, "dp", action.webhook_url, {
    contentType: form ? "application/x-www-form-urlencoded" : "application/json",
    body: form ? toForm(payload).toString() : JSON.stringify(payload),
  });
}

const inZone = (a: DpAction, pipelineId: number, statusId: number) =>
  a.pipeline_id === pipelineId && a.status_ids.includes(statusId);

/** Called on every lead stage change (API PATCH, control "move", unsorted accept…). */
export function dpOnStageChange(
  emu: Emu,
  acc: Account,
  lead: Lead,
  before: { pipeline_id: number; status_id: number },
): Promise<Delivery>[] {
  const out: Promise<Delivery>[] = [];
  for (const a of acc.dp_actions) {
    const nowIn = inZone(a, lead.pipeline_id, lead.status_id);
    const wasIn = inZone(a, before.pipeline_id, before.status_id);
    if (nowIn && !wasIn) out.push(send(emu, acc, a, lead, emu.dpEntryType, "went_to_trigger"));
    else if (nowIn && wasIn && a.action_multiple) {
      out.push(send(emu, acc, a, lead, "lead_appeared_in_status", "went_in_trigger"));
    } else if (!nowIn && wasIn && a.action_multiple) {
      out.push(send(emu, acc, a, lead, "lead_status_changed", "went_from_trigger"));
    }
  }
  return out;
}

/** A lead created directly in a trigger stage fires "lead_added" (type 1). */
export function dpOnCreate(emu: Emu, acc: Account, lead: Lead): Promise<Delivery>[] {
  return acc.dp_actions
    .filter((a) => inZone(a, lead.pipeline_id, lead.status_id))
    .map((a) => send(emu, acc, a, lead, "lead_added", "went_to_trigger"));
}
