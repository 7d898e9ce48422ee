// Leads — /api/v4/leads (reference §6.4): list with filters/query/with=contacts/paging, get, batch create,
// batch/single PATCH. Status changes notify DP widgets and webhook subscribers (events.ts).
import { mergeCustomFields, renderCustomFields, resolveCustomFields } from "../cf";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { leadCreated, leadUpdated } from "../events";
import {
  arrayBody,
  filterValues,
  hal,
  halList,
  intParam,
  jsonBody,
  link,
  noContent,
  type Res,
  withParams,
} from "../http";
import type { Account, Lead } from "../state";
import { buildLead, type LeadIn, leadIn, resolveStage } from "./lead-input";
import { applyTagChanges, renderTags } from "./tags";
import { checkUserRef, requestIdOf } from "./user-ref";

export { buildLead, leadIn };

export function renderLead(acc: Account, base: string, l: Lead, w: Set<string>) {
  const emb: Record<string, unknown> = {
    tags: renderTags(acc, "leads", l.tag_ids),
    companies: l.company_ids.map((id) => ({ id, _links: { self: link(`${base}/api/v4/companies/${id}`) } })),
  };
  if (w.has("contacts")) {
    emb.contacts = l.contacts.map((c) => ({
      id: c.id,
      is_main: c.is_main,
      _links: { self: link(`${base}/api/v4/contacts/${c.id}`) },
    }));
  }
  return {
    id: l.id,
    name: l.name,
    price: l.price,
    responsible_user_id: l.responsible_user_id,
    group_id: l.group_id,
    status_id: l.status_id,
    pipeline_id: l.pipeline_id,
    loss_reason_id: l.loss_reason_id,
    source_id: l.source_id,
    created_by: l.created_by,
    updated_by: l.updated_by,
    created_at: l.created_at,
    updated_at: l.updated_at,
    closed_at: l.closed_at,
    closest_task_at: l.closest_task_at,
    is_deleted: l.is_deleted,
    custom_fields_values: renderCustomFields(acc, l.custom_fields_values),
    score: l.score,
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/leads/${l.id}`) },
    _embedded: emb,
  };
}

/** Text search over filled fields, as `query` does (reference §5). */
function matchesQuery(acc: Account, l: Lead, q: string): boolean {
  const hay = [
    l.name,
    String(l.id),
    String(l.price),
    ...l.custom_fields_values.flatMap((c) => c.values.map((v) => String(v.value))),
  ];
  const digits = q.replace(/\D/g, "");
  for (const c of l.contacts) {
    const ct = acc.contacts.find((x) => x.id === c.id);
    if (ct) hay.push(ct.name);
  }
  return hay.some(
    (h) =>
      h.toLowerCase().includes(q.toLowerCase()) ||
      (digits.length >= 5 && h.replace(/\D/g, "").includes(digits)),
  );
}

export function listLeads(ctx: ApiCtx): Res {
  const { acc, req } = ctx;
  const url = req.url;
  const ids = filterValues(url, "id").map(Number);
  const pipelines = filterValues(url, "pipeline_id").map(Number);
  const responsible = filterValues(url, "responsible_user_id").map(Number);
  // filter[statuses][0][pipeline_id]=…&filter[statuses][0][status_id]=…
  const statusPairs: Array<{ p?: number; s?: number }> = [];
  for (const [k, v] of url.searchParams) {
    const m = /^filter\[statuses\]\[(\d+)\]\[(pipeline_id|status_id)\]$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    statusPairs[i] ??= {};
    if (m[2] === "pipeline_id") statusPairs[i].p = Number(v);
    else statusPairs[i].s = Number(v);
  }
  const q = url.searchParams.get("query")?.trim();
  let items = acc.leads.filter(
    (l) =>
      !l.is_deleted &&
      (ids.length === 0 || ids.includes(l.id)) &&
      (pipelines.length === 0 || pipelines.includes(l.pipeline_id)) &&
      (responsible.length === 0 || responsible.includes(l.responsible_user_id)) &&
      (statusPairs.length === 0 ||
        statusPairs.some(
          (sp) =>
            (sp.p === undefined || sp.p === l.pipeline_id) && (sp.s === undefined || sp.s === l.status_id),
        )) &&
      (!q || matchesQuery(acc, l, q)),
  );
  items = sortBy(items, url);
  const w = withParams(url);
  return halList(ctx.base, url, "leads", items, (l) => renderLead(acc, ctx.base, l, w));
}

export function sortBy<T extends { id: number; created_at: number; updated_at: number }>(
  items: T[],
  url: URL,
): T[] {
  for (const key of ["id", "created_at", "updated_at"] as const) {
    const dir = url.searchParams.get(`order[${key}]`);
    if (dir) return [...items].sort((a, b) => (dir === "desc" ? b[key] - a[key] : a[key] - b[key]));
  }
  return items;
}

export function getLead(ctx: ApiCtx): Res {
  const l = ctx.acc.leads.find((x) => x.id === intParam(ctx.params.id) && !x.is_deleted);
  if (!l) return noContent();
  return hal(renderLead(ctx.acc, ctx.base, l, withParams(ctx.req.url)));
}

export function createLeads(ctx: ApiCtx): Res {
  const body = arrayBody(ctx.req);
  if (body.length > 250) fail(422, "Limit of 250 per request");
  const inputs = body.map((raw, i) => parseOrFail(leadIn, raw, String(i)));
  const leads = inputs.map((input, i) => buildLead(ctx, input, String(i)));
  ctx.acc.leads.push(...leads);
  for (const l of leads) leadCreated(ctx.emu, ctx.acc, l);
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/leads`) },
    _embedded: {
      leads: leads.map((l, i) => ({
        id: l.id,
        request_id: inputs[i]?.request_id ?? String(i),
        _links: { self: link(`${ctx.base}/api/v4/leads/${l.id}`) },
      })),
    },
  });
}

function applyPatch(ctx: ApiCtx, l: Lead, input: LeadIn, rid: string): void {
  const { acc } = ctx;
  const now = ctx.emu.clock.nowSec();
  const before = {
    status_id: l.status_id,
    pipeline_id: l.pipeline_id,
    responsible_user_id: l.responsible_user_id,
  };
  if (input.status_id !== undefined || input.pipeline_id !== undefined) {
    Object.assign(l, resolveStage(acc, input, rid, l));
    const closed = l.status_id === 142 || l.status_id === 143;
    l.closed_at = closed ? (input.closed_at ?? l.closed_at ?? now) : null;
  }
  if (input.name !== undefined) l.name = input.name;
  if (input.price !== undefined) l.price = input.price;
  if (input.responsible_user_id !== undefined) l.responsible_user_id = input.responsible_user_id;
  if (input.loss_reason_id !== undefined) l.loss_reason_id = input.loss_reason_id;
  if (input.custom_fields_values) {
    l.custom_fields_values = mergeCustomFields(
      l.custom_fields_values,
      resolveCustomFields(acc, "leads", input.custom_fields_values, rid),
    );
  } else if (input.custom_fields_values === null) l.custom_fields_values = [];
  l.tag_ids = applyTagChanges(acc, "leads", l.tag_ids, input, rid);
  if (input._embedded?.contacts) {
    l.contacts = input._embedded.contacts.map((c, i) => ({ id: c.id, is_main: c.is_main ?? i === 0 }));
  }
  l.updated_by = input.updated_by ?? ctx.userId;
  l.updated_at = Math.max(input.updated_at ?? now, now);
  leadUpdated(ctx.emu, acc, l, before);
}

export function patchLeads(ctx: ApiCtx): Res {
  const single = ctx.params.id !== undefined;
  const body = single ? [jsonBody(ctx.req)] : arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 entities per update request");
  const inputs = body.map((raw, i) => parseOrFail(leadIn, raw, String(i)));
  // Validate everything first, then apply: a failed batch changes nothing.
  const targets = inputs.map((input, i) => {
    const id = single ? intParam(ctx.params.id) : input.id;
    const l = ctx.acc.leads.find((x) => x.id === id && !x.is_deleted);
    if (!l)
      failValidation(String(i), [
        { code: "NotSupportedChoice", path: "id", detail: "The value you selected is not a valid choice." },
      ]);
    checkUserRef(ctx.acc, input.responsible_user_id, requestIdOf(input, i));
    resolveStage(ctx.acc, input, String(i), l);
    resolveCustomFields(ctx.acc, "leads", input.custom_fields_values ?? [], String(i));
    return l;
  });
  for (const [i, l] of targets.entries()) applyPatch(ctx, l, inputs[i] ?? {}, String(i));
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/leads`) },
    _embedded: {
      leads: targets.map((l) => ({
        id: l.id,
        updated_at: l.updated_at,
        _links: { self: link(`${ctx.base}/api/v4/leads/${l.id}`) },
      })),
    },
  });
}
