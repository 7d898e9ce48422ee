// The account's event feed — GET /api/v4/events (reference §6.11): limit ≤ 100; filters id, created_at,
// created_by, entity, entity_id (≤ 10, needs a single entity), type; event ids are strings; the model is
// {id,type,entity_id,entity_type,created_by,created_at,value_after[],value_before[],account_id,_links,
// _embedded.entity}. Lead creation, stage moves and deletion are recorded (see events.ts and control.ts).
import type { ApiCtx } from "../context";
import { fail } from "../errors";
import { filterValues, halList, link, type Res } from "../http";
import type { Account, FeedEvent, Lead } from "../state";

/** Reference §6.11: "limit ≤ 100". */
const MAX_EVENTS_PAGE = 100;

/** Entity names of the `filter[entity]` parameter (singular) and the `entity_type` they select. */
const ENTITY_TYPES: Record<string, FeedEvent["entity_type"]> = { lead: "lead" };

function feedOf(acc: Account): FeedEvent[] {
  acc.events ??= [];
  return acc.events;
}

/** A 26-character lowercase id like amoCRM's, unique within the account. */
function eventId(acc: Account): string {
  const n = feedOf(acc).length + 1;
  return `01${acc.id.toString(36)}${n.toString(36).padStart(26 - 2 - acc.id.toString(36).length, "0")}`;
}

/**
 * The stage as the feed names it. The reference gives value_after/value_before only as arrays (UNCERTAIN:
 * emulators/README.md); amoCRM's events page shows `{"lead_status":{"id","pipeline_id"}}` for stage changes.
 */
const leadStatus = (s: { status_id: number; pipeline_id: number }) => ({
  lead_status: { id: s.status_id, pipeline_id: s.pipeline_id },
});

function record(acc: Account, e: Omit<FeedEvent, "id" | "entity_type">): void {
  feedOf(acc).push({ id: eventId(acc), entity_type: "lead", ...e });
}

export function recordLeadAdded(acc: Account, l: Lead, at: number): void {
  record(acc, {
    type: "lead_added",
    entity_id: l.id,
    created_by: l.created_by,
    created_at: at,
    value_after: [leadStatus(l)],
    value_before: [],
  });
}

export function recordLeadStatusChanged(
  acc: Account,
  l: Lead,
  before: { status_id: number; pipeline_id: number },
  at: number,
): void {
  record(acc, {
    type: "lead_status_changed",
    entity_id: l.id,
    created_by: l.updated_by,
    created_at: at,
    value_after: [leadStatus(l)],
    value_before: [leadStatus(before)],
  });
}

export function recordLeadDeleted(acc: Account, l: Lead, by: number, at: number): void {
  record(acc, {
    type: "lead_deleted",
    entity_id: l.id,
    created_by: by,
    created_at: at,
    value_after: [],
    value_before: [],
  });
}

const inRange = (v: number, from: string | undefined, to: string | undefined) =>
  (from === undefined || v >= Number(from)) && (to === undefined || v <= Number(to));

export function listEvents(ctx: ApiCtx): Res {
  const { acc, req } = ctx;
  const url = req.url;
  const limit = Number(url.searchParams.get("limit") ?? "50");
  if (limit > MAX_EVENTS_PAGE) fail(422, `Limit of ${MAX_EVENTS_PAGE} per page`);
  const entities = filterValues(url, "entity");
  const entityIds = filterValues(url, "entity_id").map(Number);
  if (entityIds.length > 0 && entities.length !== 1)
    fail(400, "filter[entity_id] needs a single filter[entity]");
  if (entityIds.length > 10) fail(400, "filter[entity_id]: at most 10 ids");
  const entityTypes = entities.map((e) => ENTITY_TYPES[e] ?? e);
  const ids = filterValues(url, "id");
  const types = filterValues(url, "type");
  const createdBy = filterValues(url, "created_by").map(Number);
  const from = filterValues(url, "created_at][from")[0];
  const to = filterValues(url, "created_at][to")[0];
  const exact = filterValues(url, "created_at").map(Number);
  const items = feedOf(acc)
    .filter(
      (e) =>
        (entityTypes.length === 0 || entityTypes.includes(e.entity_type)) &&
        (entityIds.length === 0 || entityIds.includes(e.entity_id)) &&
        (ids.length === 0 || ids.includes(e.id)) &&
        (types.length === 0 || types.includes(e.type)) &&
        (createdBy.length === 0 || createdBy.includes(e.created_by)) &&
        (exact.length === 0 || exact.includes(e.created_at)) &&
        inRange(e.created_at, from, to),
    )
    // Newest first, as amoCRM's events list shows them (UNCERTAIN: emulators/README.md).
    .reverse();
  return halList(ctx.base, url, "events", items, (e) => ({
    id: e.id,
    type: e.type,
    entity_id: e.entity_id,
    entity_type: e.entity_type,
    created_by: e.created_by,
    created_at: e.created_at,
    value_after: e.value_after,
    value_before: e.value_before,
    account_id: acc.id,
    _links: { self: link(`${ctx.base}/api/v4/events/${e.id}`) },
    _embedded: {
      entity: { id: e.entity_id, _links: { self: link(`${ctx.base}/api/v4/leads/${e.entity_id}`) } },
    },
  }));
}
