// POST /api/v4/leads/complex (§6.4) and unsorted leads /api/v4/leads/unsorted[/sip|/{uid}/accept|decline] (§6.9).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { contactCreated, leadCreated, leadUpdated } from "../events";
import { arrayBody, filterValues, hal, halList, jsonBody, link, type Res } from "../http";
import { type Account, type Company, nextId, type UnsortedEntry } from "../state";
import { buildContact, contactIn } from "./contacts";
import { buildLead, leadIn } from "./leads";

const complexIn = leadIn.extend({
  _embedded: z
    .looseObject({
      tags: z
        .array(z.looseObject({ id: z.number().int().optional(), name: z.string().optional() }))
        .nullable()
        .optional(),
      contacts: z.array(contactIn).max(1).optional(),
      companies: z
        .array(z.looseObject({ id: z.number().int().optional(), name: z.string().optional() }))
        .max(1)
        .optional(),
      metadata: z.looseObject({ category: z.enum(["sip", "forms"]) }).optional(),
    })
    .optional(),
});

function makeCompany(ctx: ApiCtx, name: string): Company {
  const now = ctx.emu.clock.nowSec();
  const c: Company = {
    id: nextId(ctx.acc),
    name,
    created_by: ctx.userId,
    updated_by: ctx.userId,
    created_at: now,
    updated_at: now,
    responsible_user_id: ctx.userId,
    group_id: 0,
    custom_fields_values: [],
    tag_ids: [],
  };
  ctx.acc.companies.push(c);
  return c;
}

export function addComplex(ctx: ApiCtx): Res {
  const body = arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 leads per complex request");
  const inputs = body.map((raw, i) => parseOrFail(complexIn, raw, String(i)));
  const out = inputs.map((input, i) => {
    const rid = String(i);
    const emb = input._embedded;
    const contactInput = emb?.contacts?.[0];
    const contact = contactInput ? buildContact(ctx, contactInput, rid, "_embedded.contacts.0.") : null;
    const companyInput = emb?.companies?.[0];
    const company = companyInput ? makeCompany(ctx, companyInput.name ?? "") : null;
    const lead = buildLead(
      ctx,
      { ...input, _embedded: { tags: emb?.tags } },
      rid,
      emb?.metadata !== undefined,
    );
    if (contact) {
      ctx.acc.contacts.push(contact);
      lead.contacts = [{ id: contact.id, is_main: true }];
      contactCreated(ctx.emu, ctx.acc, contact);
    }
    if (company) lead.company_ids = [company.id];
    ctx.acc.leads.push(lead);
    if (emb?.metadata) {
      const { category, ...metadata } = emb.metadata;
      ctx.acc.unsorted.push({
        uid: randomBytes(30).toString("hex"),
        source_uid: null,
        source_name: String(metadata.form_name ?? "API"),
        category,
        pipeline_id: lead.pipeline_id,
        created_at: ctx.emu.clock.nowSec(),
        metadata,
        lead_ids: [lead.id],
        contact_ids: contact ? [contact.id] : [],
        company_ids: company ? [company.id] : [],
      });
    }
    leadCreated(ctx.emu, ctx.acc, lead);
    return {
      id: lead.id,
      contact_id: contact?.id ?? null,
      company_id: company?.id ?? null,
      request_id: [input.request_id ?? rid],
      merged: false,
    };
  });
  // Plain JSON array, not HAL (sample leads-complex-response.json).
  return { status: 200, contentType: "application/json", body: out };
}

const sipIn = z.looseObject({
  request_id: z.string().optional(),
  source_name: z.string().min(1),
  source_uid: z.string().min(1),
  pipeline_id: z.number().int().optional(),
  created_at: z.number().int().optional(),
  metadata: z.looseObject({
    is_call_event_needed: z.boolean().optional(),
    uniq: z.string().min(1),
    duration: z.union([z.number(), z.string()]),
    service_code: z.string().min(1),
    link: z.string().nullable().optional(),
    phone: z.union([z.number(), z.string()]),
    called_at: z.number().int(),
    from: z.string().optional(),
  }),
  _embedded: z.looseObject({
    leads: z.array(leadIn).length(1),
    contacts: z.array(contactIn).max(1).optional(),
    companies: z
      .array(z.looseObject({ name: z.string().optional() }))
      .max(1)
      .optional(),
  }),
});

const ref = (base: string, kind: string, id: number) => ({
  id,
  _links: { self: link(`${base}/api/v4/${kind}/${id}`) },
});

/** Inbound calls only: creates a lead in the pipeline's "Неразобранное" stage plus contact/company. */
export function addUnsortedSip(ctx: ApiCtx): Res {
  const { acc } = ctx;
  const inputs = arrayBody(ctx.req).map((raw, i) => parseOrFail(sipIn, raw, String(i)));
  const created = inputs.map((input, i) => {
    const rid = String(i);
    if (acc.unsorted.some((u) => u.metadata.uniq === input.metadata.uniq)) {
      failValidation(rid, [
        { code: "Duplicate", path: "metadata.uniq", detail: "This call has already been added." },
      ]);
    }
    const pipeline = acc.pipelines.find(
      (p) => p.id === (input.pipeline_id ?? acc.pipelines.find((x) => x.is_main)?.id),
    );
    const unsortedStatus = pipeline?.statuses.find((s) => s.type === 1);
    if (!pipeline || !unsortedStatus) {
      failValidation(rid, [
        {
          code: "NotSupportedChoice",
          path: "pipeline_id",
          detail: "The value you selected is not a valid choice.",
        },
      ]);
    }
    const leadInput = { ...input._embedded.leads[0], pipeline_id: pipeline.id, status_id: unsortedStatus.id };
    const lead = buildLead(ctx, leadInput, rid, true);
    const contactInput = input._embedded.contacts?.[0];
    const contact = contactInput ? buildContact(ctx, contactInput, rid, "_embedded.contacts.0.") : null;
    const company = input._embedded.companies?.[0]
      ? makeCompany(ctx, input._embedded.companies[0].name ?? "")
      : null;
    if (contact) {
      acc.contacts.push(contact);
      lead.contacts = [{ id: contact.id, is_main: true }];
    }
    if (company) lead.company_ids = [company.id];
    acc.leads.push(lead);
    const entry: UnsortedEntry = {
      uid: randomBytes(30).toString("hex"),
      source_uid: input.source_uid,
      source_name: input.source_name,
      category: "sip",
      pipeline_id: pipeline.id,
      created_at: input.created_at ?? ctx.emu.clock.nowSec(),
      metadata: input.metadata,
      lead_ids: [lead.id],
      contact_ids: contact ? [contact.id] : [],
      company_ids: company ? [company.id] : [],
    };
    acc.unsorted.push(entry);
    leadCreated(ctx.emu, acc, lead);
    return { entry, requestId: input.request_id ?? rid };
  });
  return hal({
    _total_items: created.length,
    _embedded: {
      unsorted: created.map(({ entry, requestId }) => ({
        ...renderUnsortedRef(acc, ctx.base, entry),
        request_id: requestId,
      })),
    },
  });
}

function renderUnsortedRef(acc: Account, base: string, u: UnsortedEntry) {
  return {
    uid: u.uid,
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/leads/unsorted/${u.uid}`) },
    _embedded: {
      contacts: u.contact_ids.map((id) => ref(base, "contacts", id)),
      leads: u.lead_ids.map((id) => ref(base, "leads", id)),
      companies: u.company_ids.map((id) => ref(base, "companies", id)),
    },
  };
}

/** GET shape: for sip, metadata.phone is a number and duration a string, as in the official example. */
function renderUnsorted(acc: Account, base: string, u: UnsortedEntry) {
  const m = { ...u.metadata };
  // Write-only in the docs' table, and absent from the official GET example.
  delete m.is_call_event_needed;
  delete m.uniq;
  if (u.category === "sip") {
    const digits = String(m.phone ?? "").replace(/\D/g, "");
    m.phone = digits ? Number(digits) : m.phone;
    m.duration = String(m.duration ?? "0");
    m.link ??= null;
  }
  const r = renderUnsortedRef(acc, base, u);
  return {
    uid: u.uid,
    source_uid: u.source_uid,
    source_name: u.source_name,
    category: u.category,
    pipeline_id: u.pipeline_id,
    created_at: u.created_at,
    metadata: m,
    account_id: acc.id,
    _links: r._links,
    _embedded: r._embedded,
  };
}

export function listUnsorted(ctx: ApiCtx): Res {
  const uids = filterValues(ctx.req.url, "uid");
  const cats = filterValues(ctx.req.url, "category");
  const pipes = filterValues(ctx.req.url, "pipeline_id").map(Number);
  const items = ctx.acc.unsorted.filter(
    (u) =>
      (!uids.length || uids.includes(u.uid)) &&
      (!cats.length || cats.includes(u.category)) &&
      (!pipes.length || pipes.includes(u.pipeline_id)),
  );
  return halList(ctx.base, ctx.req.url, "unsorted", items, (u) => renderUnsorted(ctx.acc, ctx.base, u));
}

export function acceptUnsorted(ctx: ApiCtx): Res {
  const u = ctx.acc.unsorted.find((x) => x.uid === ctx.params.uid);
  if (!u) fail(404, "Unsorted entry not found");
  const body = ctx.req.rawBody.trim() ? (jsonBody(ctx.req) as { status_id?: number; user_id?: number }) : {};
  for (const id of u.lead_ids) {
    const l = ctx.acc.leads.find((x) => x.id === id);
    const pipeline = ctx.acc.pipelines.find((p) => p.id === u.pipeline_id);
    const target = pipeline?.statuses.find((s) => (body.status_id ? s.id === body.status_id : s.type === 0));
    if (!l || !target) continue;
    const before = {
      status_id: l.status_id,
      pipeline_id: l.pipeline_id,
      responsible_user_id: l.responsible_user_id,
    };
    l.status_id = target.id;
    if (body.user_id) l.responsible_user_id = body.user_id;
    l.updated_at = ctx.emu.clock.nowSec();
    leadUpdated(ctx.emu, ctx.acc, l, before);
  }
  ctx.acc.unsorted = ctx.acc.unsorted.filter((x) => x !== u);
  return hal(renderUnsortedRef(ctx.acc, ctx.base, u));
}

export function declineUnsorted(ctx: ApiCtx): Res {
  const u = ctx.acc.unsorted.find((x) => x.uid === ctx.params.uid);
  if (!u) fail(404, "Unsorted entry not found");
  for (const l of ctx.acc.leads) if (u.lead_ids.includes(l.id)) l.is_deleted = true;
  ctx.acc.unsorted = ctx.acc.unsorted.filter((x) => x !== u);
  return hal(renderUnsortedRef(ctx.acc, ctx.base, u));
}
