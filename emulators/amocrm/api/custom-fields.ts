// Custom fields — /api/v4/{entity}/custom_fields (reference §6.6). Lists use the list-item shape of the docs
// (sample custom-fields-list-response.json); GET by id uses the full definition shape (custom-field-phone-definition).
import { z } from "zod";
import { ENUM_TYPES } from "../cf";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import { arrayBody, hal, halList, intParam, jsonBody, link, noContent, type Res } from "../http";
import { type Account, type CfEnum, type CustomField, nextId, type StoredCf } from "../state";
import { entityParam } from "./tags";

const selfHref = (base: string, f: CustomField) => `${base}/api/v4/${f.entity_type}/custom_fields/${f.id}`;

export function renderFieldListItem(base: string, f: CustomField) {
  return {
    id: f.id,
    name: f.name,
    sort: f.sort,
    type: f.type,
    is_predefined: f.is_predefined,
    settings: f.settings,
    remind: f.remind,
    is_api_only: f.is_api_only,
    group_id: f.group_id,
    enums: f.enums,
    required_statuses: f.required_statuses.length ? f.required_statuses : null,
    _links: { self: link(selfHref(base, f)) },
  };
}

export function renderFieldFull(acc: Account, base: string, f: CustomField) {
  return {
    id: f.id,
    name: f.name,
    type: f.type,
    account_id: acc.id,
    code: f.code,
    sort: f.sort,
    is_api_only: f.is_api_only,
    enums: f.enums,
    group_id: f.group_id,
    required_statuses: f.required_statuses,
    is_deletable: f.is_deletable,
    is_predefined: f.is_predefined,
    entity_type: f.entity_type,
    remind: f.remind,
    _links: { self: link(selfHref(base, f)) },
  };
}

export function listFields(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const items = ctx.acc.custom_fields.filter((f) => f.entity_type === entity);
  return halList(ctx.base, ctx.req.url, "custom_fields", items, (f) => renderFieldListItem(ctx.base, f), {
    totals: true,
  });
}

export function getField(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const id = intParam(ctx.params.id);
  const f = ctx.acc.custom_fields.find((x) => x.entity_type === entity && x.id === id);
  if (!f) return noContent();
  return hal(renderFieldFull(ctx.acc, ctx.base, f));
}

const TYPES = [
  "text",
  "numeric",
  "checkbox",
  "select",
  "multiselect",
  "date",
  "url",
  "textarea",
  "radiobutton",
  "streetaddress",
  "smart_address",
  "birthday",
  "legal_entity",
  "date_time",
  "price",
  "category",
  "items",
  "tracking_data",
  "linked_entity",
  "chained_list",
  "monetary",
  "file",
  "payer",
  "supplier",
  "multitext",
] as const;

const fieldIn = z.looseObject({
  name: z.string().min(1),
  type: z.enum(TYPES),
  code: z.string().optional(),
  sort: z.number().int().optional(),
  group_id: z.string().nullable().optional(),
  is_api_only: z.boolean().optional(),
  required_statuses: z
    .array(z.looseObject({ status_id: z.number().int(), pipeline_id: z.number().int() }))
    .optional(),
  enums: z
    .array(z.looseObject({ value: z.string(), sort: z.number().int().optional() }))
    .nullable()
    .optional(),
  remind: z.string().nullable().optional(),
  request_id: z.string().optional(),
});

/** POST creates up to 50 fields per request (reference §0/§6.6) and answers 201 with the RU-doc wrapper. */
export function createFields(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const user = ctx.acc.users.find((u) => u.id === ctx.userId);
  if (!user?.is_admin) fail(403, "Only account administrators can create custom fields");
  const body = arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 custom fields per request");
  const inputs = body.map((raw, i) => parseOrFail(fieldIn, raw, String(i)));
  const created = inputs.map((f) => {
    const field: CustomField = {
      id: nextId(ctx.acc),
      name: f.name,
      type: f.type,
      code: f.code ?? null,
      sort: f.sort ?? 500,
      is_api_only: f.is_api_only ?? false,
      enums: f.enums
        ? f.enums.map((e, j) => ({ id: nextId(ctx.acc), value: e.value, sort: e.sort ?? j + 1 }))
        : null,
      group_id: f.group_id ?? null,
      required_statuses: f.required_statuses ?? [],
      is_deletable: true,
      is_predefined: false,
      entity_type: entity,
      settings: null,
      remind: f.remind ?? null,
    };
    ctx.acc.custom_fields.push(field);
    return field;
  });
  return hal(
    {
      _total_items: created.length,
      _embedded: { custom_fields: created.map((f) => renderFieldListItem(ctx.base, f)) },
    },
    201,
  );
}

const fieldPatchIn = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().min(1).optional(),
  type: z.enum(TYPES).optional(),
  code: z.string().optional(),
  sort: z.number().int().optional(),
  group_id: z.string().nullable().optional(),
  is_api_only: z.boolean().optional(),
  enums: z
    .array(
      z.looseObject({
        id: z.number().int().optional(),
        value: z.string().min(1),
        sort: z.number().int().optional(),
      }),
    )
    .nullable()
    .optional(),
  remind: z.string().nullable().optional(),
  request_id: z.string().optional(),
});
type FieldPatch = z.infer<typeof fieldPatchIn>;

const notAChoice = (path: string) => ({
  code: "NotSupportedChoice",
  path,
  detail: "The value you selected is not a valid choice.",
});

/** Checks one patch against its field; refusals use the createFields/leads validation-error style. */
function checkPatch(f: CustomField, p: FieldPatch, rid: string): void {
  if (p.type !== undefined && p.type !== f.type) failValidation(rid, [notAChoice("type")]);
  if (p.enums === undefined || p.enums === null) return;
  if (!ENUM_TYPES.has(f.type)) failValidation(rid, [notAChoice("enums")]);
  const known = new Set((f.enums ?? []).map((e) => e.id));
  const seen = new Set<number>();
  p.enums.forEach((e, j) => {
    if (e.id === undefined) return;
    if (!known.has(e.id) || seen.has(e.id)) failValidation(rid, [notAChoice(`enums.${j}.id`)]);
    seen.add(e.id);
  });
}

/**
 * `enums` in a PATCH is the complete new list: an item with `id` keeps that enum (its value/sort may change),
 * one without gets a new id, an enum left out is deleted — and entity values pointing at it are removed.
 */
function applyPatch(acc: Account, f: CustomField, p: FieldPatch): void {
  if (p.name !== undefined) f.name = p.name;
  if (p.sort !== undefined) f.sort = p.sort;
  if (p.code !== undefined) f.code = p.code;
  if (p.group_id !== undefined) f.group_id = p.group_id;
  if (p.is_api_only !== undefined) f.is_api_only = p.is_api_only;
  if (p.remind !== undefined) f.remind = p.remind;
  if (p.enums === undefined || p.enums === null) return;
  const enums: CfEnum[] = p.enums.map((e, j) => ({
    id: e.id ?? nextId(acc),
    value: e.value,
    sort: e.sort ?? (j + 1) * 10,
  }));
  f.enums = enums;
  const byId = new Map(enums.map((e) => [e.id, e]));
  const holders: Array<{ custom_fields_values: StoredCf[] }> = [
    ...(f.entity_type === "leads" ? acc.leads : []),
    ...(f.entity_type === "contacts" ? acc.contacts : []),
    ...(f.entity_type === "companies" ? acc.companies : []),
  ];
  for (const h of holders) {
    h.custom_fields_values = h.custom_fields_values.flatMap((cf) => {
      if (cf.field_id !== f.id) return [cf];
      const values = cf.values.flatMap((v) => {
        if (v.enum_id === undefined) return [v];
        const e = byId.get(v.enum_id);
        if (!e) return [];
        return [f.type === "multitext" ? { ...v, enum_code: e.value } : { ...v, value: e.value }];
      });
      return values.length ? [{ ...cf, values }] : [];
    });
  }
}

/**
 * PATCH /api/v4/{entity}/custom_fields (array, each with `id`; ≤ 50) → 200 `{_total_items,
 * _embedded.custom_fields}` like the POST; PATCH …/custom_fields/{id} (one object) → 200 the field. Admins only.
 * Everything is validated before anything changes.
 */
export function patchFields(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const user = ctx.acc.users.find((u) => u.id === ctx.userId);
  if (!user?.is_admin) fail(403, "Only account administrators can edit custom fields");
  const single = ctx.params.id !== undefined;
  const body = single ? [jsonBody(ctx.req)] : arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 custom fields per request");
  const patches = body.map((raw, i) => parseOrFail(fieldPatchIn, raw, String(i)));
  const targets = patches.map((p, i) => {
    const rid = String(i);
    const id = single ? intParam(ctx.params.id) : p.id;
    if (id === undefined)
      failValidation(rid, [{ code: "NotBlank", path: "id", detail: "This value should not be blank." }]);
    const f = ctx.acc.custom_fields.find((x) => x.entity_type === entity && x.id === id);
    if (!f) failValidation(rid, [notAChoice("id")]);
    checkPatch(f, p, rid);
    return f;
  });
  targets.forEach((f, i) => {
    const p = patches[i];
    if (p) applyPatch(ctx.acc, f, p);
  });
  if (single && targets[0]) return hal(renderFieldFull(ctx.acc, ctx.base, targets[0]));
  return hal({
    _total_items: targets.length,
    _embedded: { custom_fields: targets.map((f) => renderFieldListItem(ctx.base, f)) },
  });
}
