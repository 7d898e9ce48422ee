// amoCRM's event feed — GET /api/v4/events (reference §6.11): what happened to an entity, recorded by
// amoCRM itself. Read to confirm an unsigned webhook's claim ("the deal entered this stage at t") against
// amoCRM's own record of it.
import { z } from "zod";
import type { AmocrmHttp } from "./http";
import { listSchema } from "./types";

/** Reference §6.11: "limit ≤ 100". */
export const MAX_EVENTS_PAGE = 100;

export type LeadEventType = "lead_added" | "lead_status_changed" | "lead_deleted";

export type AmoLeadEvent = {
  /** amoCRM's event ids are strings. */
  id: string;
  type: string;
  leadId: number;
  createdAt: number;
  /** The stage the event names in `value_after` (stage changes, creation), when it names one. */
  stageAfter: { pipelineId: number; statusId: number } | null;
};

// value_after / value_before are arrays whose items the reference does not describe (UNCERTAIN); amoCRM's
// events page shows `{"lead_status":{"id","pipeline_id"}}` for a stage. Anything else is kept unread.
const leadStatusItem = z.object({
  lead_status: z.object({ id: z.number().int(), pipeline_id: z.number().int() }),
});

const eventSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  entity_id: z.number().int(),
  created_at: z.number().int(),
  value_after: z.array(z.unknown()).nullish(),
});

function stageAfter(items: unknown[] | null | undefined): AmoLeadEvent["stageAfter"] {
  for (const item of items ?? []) {
    const parsed = leadStatusItem.safeParse(item);
    if (parsed.success)
      return { pipelineId: parsed.data.lead_status.pipeline_id, statusId: parsed.data.lead_status.id };
  }
  return null;
}

export function eventMethods(http: AmocrmHttp) {
  return {
    /**
     * One deal's events of the given types created within [from, to] (unix seconds), newest first as far
     * as amoCRM orders them: one page of up to 100 — a deal does not change stage 100 times in a window
     * of minutes. The time filter is also applied here, so an account ignoring it still answers right.
     */
    async listLeadEvents(
      leadId: number,
      o: { types: readonly LeadEventType[]; from: number; to: number },
    ): Promise<AmoLeadEvent[]> {
      const res = await http.request("GET", "/api/v4/events", listSchema("events", eventSchema), {
        query: {
          "filter[entity]": "lead",
          "filter[entity_id]": leadId,
          "filter[type]": o.types.join(","),
          "filter[created_at][from]": o.from,
          "filter[created_at][to]": o.to,
          limit: MAX_EVENTS_PAGE,
        },
      });
      return (res?._embedded.events ?? [])
        .filter((e) => e.entity_id === leadId && e.created_at >= o.from && e.created_at <= o.to)
        .map((e) => ({
          id: e.id,
          type: e.type,
          leadId: e.entity_id,
          createdAt: e.created_at,
          stageAfter: stageAfter(e.value_after),
        }));
    },
  };
}
