// Custom fields — /api/v4/{entity}/custom_fields (reference §6.6). Lists use the list-item shape of the docs
// (sample custom-fields-list-response.json); GET by id uses the full definition shape (custom-field-phone-definition).
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, parseOrFail } from "../errors";
import { arrayBody, hal, halList, intParam, link, noContent, type Res } from "../http";
import { type Account, type CustomField, nextId } from "../state";
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
