// Contacts — /api/v4/contacts (reference §6.5): list (query = phone/name search, with=leads), get, create, patch.
import { z } from "zod";
import {
  cfListIn,
  mergeCustomFields,
  phoneDigits,
  phonesOf,
  renderCustomFields,
  resolveCustomFields,
} from "../cf";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { contactCreated, contactUpdated } from "../events";
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
import { type Account, type Contact, nextId } from "../state";
import { sortBy } from "./leads";
import { applyTagChanges, renderTags, tagRef } from "./tags";
import { checkUserRef, requestIdOf } from "./user-ref";

export const contactIn = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  responsible_user_id: z.number().int().optional(),
  created_by: z.number().int().optional(),
  updated_by: z.number().int().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
  custom_fields_values: cfListIn.nullable().optional(),
  tags_to_add: z.array(tagRef).optional(),
  tags_to_delete: z.array(tagRef).optional(),
  request_id: z.string().optional(),
  _embedded: z.looseObject({ tags: z.array(tagRef).nullable().optional() }).optional(),
});
export type ContactIn = z.infer<typeof contactIn>;

export function renderContact(acc: Account, base: string, c: Contact, w: Set<string>) {
  const emb: Record<string, unknown> = {
    tags: renderTags(acc, "contacts", c.tag_ids),
    companies: c.company_ids.map((id) => ({ id, _links: { self: link(`${base}/api/v4/companies/${id}`) } })),
  };
  if (w.has("leads")) {
    emb.leads = acc.leads
      .filter((l) => !l.is_deleted && l.contacts.some((x) => x.id === c.id))
      .map((l) => ({ id: l.id, _links: { self: link(`${base}/api/v4/leads/${l.id}`) } }));
  }
  return {
    id: c.id,
    name: c.name,
    first_name: c.first_name,
    last_name: c.last_name,
    responsible_user_id: c.responsible_user_id,
    group_id: c.group_id,
    created_by: c.created_by,
    updated_by: c.updated_by,
    created_at: c.created_at,
    updated_at: c.updated_at,
    closest_task_at: c.closest_task_at,
    custom_fields_values: renderCustomFields(acc, c.custom_fields_values),
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/contacts/${c.id}`) },
    _embedded: emb,
  };
}

/**
 * `query`: case-insensitive substring over name and field values; a query with ≥ 5 digits also matches
 * phones by digits (last 10), so "+7 (916) 123-45-67", "89161234567" and "9161234567" find the same contact.
 */
export function contactMatches(acc: Account, c: Contact, q: string): boolean {
  const lower = q.toLowerCase();
  const values = c.custom_fields_values.flatMap((cf) => cf.values.map((v) => String(v.value ?? "")));
  if ([c.name, String(c.id), ...values].some((v) => v.toLowerCase().includes(lower))) return true;
  const digits = phoneDigits(q).slice(-10);
  if (digits.length < 5) return false;
  return phonesOf(acc, c.custom_fields_values).some((p) => phoneDigits(p).includes(digits));
}

export function listContacts(ctx: ApiCtx): Res {
  const { acc, req } = ctx;
  const ids = filterValues(req.url, "id").map(Number);
  const q = req.url.searchParams.get("query")?.trim();
  const items = sortBy(
    acc.contacts.filter(
      (c) => !c.is_deleted && (ids.length === 0 || ids.includes(c.id)) && (!q || contactMatches(acc, c, q)),
    ),
    req.url,
  );
  const w = withParams(req.url);
  return halList(ctx.base, req.url, "contacts", items, (c) => renderContact(acc, ctx.base, c, w));
}

export function getContact(ctx: ApiCtx): Res {
  const c = ctx.acc.contacts.find((x) => x.id === intParam(ctx.params.id) && !x.is_deleted);
  if (!c) return noContent();
  return hal(renderContact(ctx.acc, ctx.base, c, withParams(ctx.req.url)));
}

function splitName(input: ContactIn): { name: string; first: string; last: string } {
  const first = input.first_name ?? "";
  const last = input.last_name ?? "";
  if (input.name !== undefined) {
    const [f = "", ...rest] = input.name.split(" ");
    return { name: input.name, first: input.first_name ?? f, last: input.last_name ?? rest.join(" ") };
  }
  return { name: `${first} ${last}`.trim(), first, last };
}

export function buildContact(ctx: ApiCtx, input: ContactIn, rid: string, prefix = ""): Contact {
  const { acc } = ctx;
  const now = ctx.emu.clock.nowSec();
  checkUserRef(acc, input.responsible_user_id, input.request_id ?? rid, `${prefix}responsible_user_id`);
  const n = splitName(input);
  return {
    id: nextId(acc),
    name: n.name,
    first_name: n.first,
    last_name: n.last,
    responsible_user_id: input.responsible_user_id ?? ctx.userId,
    group_id: 0,
    created_by: input.created_by ?? ctx.userId,
    updated_by: input.updated_by ?? input.created_by ?? ctx.userId,
    created_at: input.created_at ?? now,
    updated_at: input.updated_at ?? input.created_at ?? now,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: resolveCustomFields(
      acc,
      "contacts",
      input.custom_fields_values ?? [],
      rid,
      `${prefix}custom_fields_values`,
    ),
    tag_ids: applyTagChanges(acc, "contacts", [], input, rid),
    company_ids: [],
  };
}

export function createContacts(ctx: ApiCtx): Res {
  const body = arrayBody(ctx.req);
  if (body.length > 250) fail(422, "Limit of 250 per request");
  const inputs = body.map((raw, i) => parseOrFail(contactIn, raw, String(i)));
  const created = inputs.map((input, i) => buildContact(ctx, input, String(i)));
  ctx.acc.contacts.push(...created);
  for (const c of created) contactCreated(ctx.emu, ctx.acc, c);
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/contacts`) },
    _embedded: {
      contacts: created.map((c, i) => ({
        id: c.id,
        request_id: inputs[i]?.request_id ?? String(i),
        _links: { self: link(`${ctx.base}/api/v4/contacts/${c.id}`) },
      })),
    },
  });
}

export function patchContacts(ctx: ApiCtx): Res {
  const single = ctx.params.id !== undefined;
  const body = single ? [jsonBody(ctx.req)] : arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 entities per update request");
  const inputs = body.map((raw, i) => parseOrFail(contactIn, raw, String(i)));
  const targets = inputs.map((input, i) => {
    const id = single ? intParam(ctx.params.id) : input.id;
    const c = ctx.acc.contacts.find((x) => x.id === id && !x.is_deleted);
    if (!c) {
      failValidation(String(i), [
        { code: "NotSupportedChoice", path: "id", detail: "The value you selected is not a valid choice." },
      ]);
    }
    // Resolve before mutating so that a bad batch element leaves the state untouched.
    checkUserRef(ctx.acc, input.responsible_user_id, requestIdOf(input, i));
    resolveCustomFields(ctx.acc, "contacts", input.custom_fields_values ?? [], String(i));
    return c;
  });
  const now = ctx.emu.clock.nowSec();
  targets.forEach((c, i) => {
    const input = inputs[i] ?? {};
    if (input.name !== undefined || input.first_name !== undefined || input.last_name !== undefined) {
      const n = splitName({
        first_name: input.first_name ?? (input.name === undefined ? c.first_name : undefined),
        last_name: input.last_name ?? (input.name === undefined ? c.last_name : undefined),
        name: input.name,
      });
      Object.assign(c, { name: n.name, first_name: n.first, last_name: n.last });
    }
    if (input.responsible_user_id !== undefined) c.responsible_user_id = input.responsible_user_id;
    if (input.custom_fields_values) {
      const upd = resolveCustomFields(ctx.acc, "contacts", input.custom_fields_values, String(i));
      c.custom_fields_values = mergeCustomFields(c.custom_fields_values, upd);
    }
    c.tag_ids = applyTagChanges(ctx.acc, "contacts", c.tag_ids, input, String(i));
    c.updated_by = input.updated_by ?? ctx.userId;
    c.updated_at = now;
    contactUpdated(ctx.emu, ctx.acc, c);
  });
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/contacts`) },
    _embedded: {
      contacts: targets.map((c) => ({
        id: c.id,
        name: c.name,
        updated_at: c.updated_at,
        _links: { self: link(`${ctx.base}/api/v4/contacts/${c.id}`) },
      })),
    },
  });
}
