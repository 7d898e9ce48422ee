// Leads — /api/v4/leads (reference §6.4): list with filters/query/with=contacts/paging, get, batch create,
// batch/single PATCH. Status changes notify DP widgets and webhook subscribers (events.ts).
import { z } from "zod";
import { cfListIn, mergeCustomFields, renderCustomFields, resolveCustomFields } from "../cf";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { leadCreated, leadUpdated } from "../events";
import { arrayBody, filterValues, hal, halList, intParam, jsonBody, link, noContent, type Res, withParams } from "../http";
import { type Account, type Lead, nextId } from "../state";
import { applyTagChanges, renderTags, tagRef } from "./tags";

const idRef = z.looseObject({ id: z.number().int(), is_main: z.boolean().optional() });

export const leadIn = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
  price: z.number().int().nonnegative().optional(),
  status_id: z.number().int().optional(),
  pipeline_id: z.number().int().optional(),
  created_by: z.number().int().optional(),
  updated_by: z.number().int().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
  closed_at: z.number().int().nullable().optional(),
  loss_reason_id: z.number().int().nullable().optional(),
  responsible_user_id: z.number().int().optional(),
  custom_fields_values: cfListIn.nullable().optional(),
  tags_to_add: z.array(tagRef).optional(),
  tags_to_delete: z.array(tagRef).optional(),
  request_id: z.string().optional(),
  _embedded: z
    .looseObject({
      tags: z.array(tagRef).nullable().optional(),
      contacts: z.array(idRef).optional(),
      companies: z.array(z.looseObject({ id: z.number().int() })).optional(),
    })
    .optional(),
});
export type LeadIn = z.infer<typeof leadIn>;

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
  const hay = [l.name, String(l.id), String(l.price), ...l.custom_fields_values.flatMap((c) => c.values.map((v) => String(v.value)))];
  const digits = q.replace(/\D/g, "");
  for (const c of l.contacts) {
    const ct = acc.contacts.find((x) => x.id === c.id);
    if (ct) hay.push(ct.name);
  }
  return hay.some((h) => h.toLowerCase().includes(q.toLowerCase()) || (digits.length >= 5 && h.replace(/\D/g, "").includes(digits)));
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
        statusPairs.some((sp) => (sp.p === undefined || sp.p === l.pipeline_id) && (sp.s === undefined || sp.s === l.status_id))) &&
      (!q || matchesQuery(acc, l, q)),
  );
  items = sortBy(items, url);
  const w = withParams(url);
  return halList(ctx.base, url, "leads", items, (l) => renderLead(acc, ctx.base, l, w));
}

export function sortBy<T extends { id: number; created_at: number; updated_at: number }>(items: T[], url: URL): T[] {
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

/** Resolves pipeline/status; default = first working stage of the main pipeline (reference §6.4). */
export function resolveStage(acc: Account, input: LeadIn, rid: string, current?: Lead, allowUnsorted = false) {
  const pipelineId = input.pipeline_id ?? (input.status_id === undefined ? current?.pipeline_id : undefined);
  let pipeline = pipelineId !== undefined ? acc.pipelines.find((p) => p.id === pipelineId) : undefined;
  if (pipelineId !== undefined && !pipeline) {
    failValidation(rid, [{ code: "NotSupportedChoice", path: "pipeline_id", detail: "The value you selected is not a valid choice." }]);
  }
  if (!pipeline && input.status_id !== undefined) {
    const cur = current ? acc.pipelines.find((p) => p.id === current.pipeline_id) : undefined;
    const main = acc.pipelines.find((p) => p.is_main);
    pipeline = [cur, main, ...acc.pipelines].find((p) => p?.statuses.some((s) => s.id === input.status_id));
  }
  pipeline ??= acc.pipelines.find((p) => p.is_main) ?? acc.pipelines[0];
  if (!pipeline) fail(500, "No pipelines");
  const statusId = input.status_id ?? (current && current.pipeline_id === pipeline.id ? current.status_id : undefined);
  const status =
    statusId !== undefined ? pipeline.statuses.find((s) => s.id === statusId) : pipeline.statuses.find((s) => s.type === 0);
  if (!status || (status.type === 1 && !allowUnsorted && status.id !== current?.status_id)) {
    failValidation(rid, [{ code: "NotSupportedChoice", path: "status_id", detail: "The value you selected is not a valid choice." }]);
  }
  return { pipeline_id: pipeline.id, status_id: status.id };
}

export function buildLead(ctx: ApiCtx, input: LeadIn, rid: string, allowUnsorted = false): Lead {
  const { acc } = ctx;
  const now = ctx.emu.clock.nowSec();
  const stage = resolveStage(acc, input, rid, undefined, allowUnsorted);
  const lead: Lead = {
    id: nextId(acc),
    name: input.name ?? "",
    price: input.price ?? 0,
    responsible_user_id: input.responsible_user_id ?? ctx.userId,
    group_id: 0,
    ...stage,
    loss_reason_id: input.loss_reason_id ?? null,
    source_id: null,
    created_by: input.created_by ?? ctx.userId,
    updated_by: input.updated_by ?? input.created_by ?? ctx.userId,
    created_at: input.created_at ?? now,
    updated_at: input.updated_at ?? now,
    closed_at: stage.status_id === 142 || stage.status_id === 143 ? (input.closed_at ?? now) : null,
    closest_task_at: null,
    is_deleted: false,
    score: null,
    custom_fields_values: resolveCustomFields(acc, "leads", input.custom_fields_values ?? [], rid),
    tag_ids: applyTagChanges(acc, "leads", [], input, rid),
    contacts: (input._embedded?.contacts ?? []).map((c, i) => {
      if (!acc.contacts.some((x) => x.id === c.id)) {
        failValidation(rid, [{ code: "NotSupportedChoice", path: `_embedded.contacts.${i}.id`, detail: "The value you selected is not a valid choice." }]);
      }
      return { id: c.id, is_main: c.is_main ?? i === 0 };
    }),
    company_ids: (input._embedded?.companies ?? []).map((c) => c.id),
  };
  return lead;
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
  const before = { status_id: l.status_id, pipeline_id: l.pipeline_id, responsible_user_id: l.responsible_user_id };
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
    l.custom_fields_values = mergeCustomFields(l.custom_fields_values, resolveCustomFields(acc, "leads", input.custom_fields_values, rid));
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
    if (!l) failValidation(String(i), [{ code: "NotSupportedChoice", path: "id", detail: "The value you selected is not a valid choice." }]);
    resolveStage(ctx.acc, input, String(i), l);
    return l;
  });
  targets.forEach((l, i) => applyPatch(ctx, l, inputs[i] ?? {}, String(i)));
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/leads`) },
    _embedded: {
      leads: targets.map((l) => ({ id: l.id, updated_at: l.updated_at, _links: { self: link(`${ctx.base}/api/v4/leads/${l.id}`) } })),
    },
  });
}
