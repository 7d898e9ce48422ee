// Notes — /api/v4/{entity}/notes and /api/v4/{entity}/{id}/notes (reference §6.7).
// params are stored verbatim; call_in/call_out/sms_in/sms_out/… params are validated per the docs' table.
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail, zodIssues } from "../errors";
import { noteAdded } from "../events";
import { arrayBody, filterValues, hal, halList, intParam, link, noContent, type Res } from "../http";
import { type Account, type EntityType, type Note, nextId } from "../state";
import { entityParam } from "./tags";
import { checkUserRef, requestIdOf } from "./user-ref";

const callParams = z.looseObject({
  uniq: z.string().optional(),
  duration: z.number().int().nonnegative(),
  source: z.string(),
  link: z.string().optional(),
  phone: z.string(),
  call_responsible: z.union([z.number(), z.string()]).optional(),
  call_result: z.string().optional(),
  call_status: z.number().int().min(1).max(8).optional(),
});

/** Params schemas of the editable note types (notes-params-by-type.txt). */
const PARAMS: Record<string, z.ZodType> = {
  common: z.looseObject({ text: z.string() }),
  call_in: callParams,
  call_out: callParams,
  service_message: z.looseObject({ service: z.string(), text: z.string() }),
  extended_service_message: z.looseObject({ service: z.string(), text: z.string() }),
  message_cashier: z.looseObject({ status: z.enum(["created", "shown", "canceled"]), text: z.string() }),
  geolocation: z.looseObject({
    text: z.string(),
    address: z.string(),
    longitude: z.string(),
    latitude: z.string(),
  }),
  sms_in: z.looseObject({ text: z.string(), phone: z.string() }),
  sms_out: z.looseObject({ text: z.string(), phone: z.string() }),
  attachment: z.looseObject({
    file_uuid: z.string(),
    version_uuid: z.string().optional(),
    file_name: z.string(),
  }),
};

const noteIn = z.looseObject({
  id: z.number().int().optional(),
  entity_id: z.number().int().optional(),
  note_type: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  created_by: z.number().int().optional(),
  responsible_user_id: z.number().int().optional(),
  created_at: z.number().int().optional(),
  request_id: z.string().optional(),
  is_need_to_trigger_digital_pipeline: z.boolean().optional(),
});

function entityExists(acc: Account, entity: EntityType, id: number): boolean {
  if (entity === "leads") return acc.leads.some((l) => l.id === id && !l.is_deleted);
  if (entity === "contacts") return acc.contacts.some((c) => c.id === id && !c.is_deleted);
  if (entity === "companies") return acc.companies.some((c) => c.id === id);
  return false;
}

function checkParams(type: string, params: unknown, rid: string): Record<string, unknown> {
  const schema = PARAMS[type];
  if (!schema) {
    failValidation(rid, [
      {
        code: "NotSupportedChoice",
        path: "note_type",
        detail: "The value you selected is not a valid choice.",
      },
    ]);
  }
  const r = schema.safeParse(params ?? {});
  if (!r.success) failValidation(rid, zodIssues(r.error.issues, "params"));
  return r.data as Record<string, unknown>;
}

export function renderNote(acc: Account, base: string, n: Note) {
  return {
    id: n.id,
    entity_id: n.entity_id,
    created_by: n.created_by,
    updated_by: n.updated_by,
    created_at: n.created_at,
    updated_at: n.updated_at,
    responsible_user_id: n.responsible_user_id,
    group_id: n.group_id,
    note_type: n.note_type,
    params: n.params,
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/${n.entity_type}/${n.entity_id}/notes/${n.id}`) },
  };
}

export function listNotes(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const entityId = ctx.params.id !== undefined ? intParam(ctx.params.id) : undefined;
  const types = filterValues(ctx.req.url, "note_type");
  const entityIds = filterValues(ctx.req.url, "entity_id").map(Number);
  const items = ctx.acc.notes.filter(
    (n) =>
      n.entity_type === entity &&
      (entityId === undefined || n.entity_id === entityId) &&
      (entityIds.length === 0 || entityIds.includes(n.entity_id)) &&
      (types.length === 0 || types.includes(n.note_type)),
  );
  return halList(ctx.base, ctx.req.url, "notes", items, (n) => renderNote(ctx.acc, ctx.base, n));
}

export function getNote(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const n = ctx.acc.notes.find((x) => x.entity_type === entity && x.id === intParam(ctx.params.noteId));
  return n ? hal(renderNote(ctx.acc, ctx.base, n)) : noContent();
}

export function addNotes(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const pathId = ctx.params.id !== undefined ? intParam(ctx.params.id) : undefined;
  const body = arrayBody(ctx.req);
  if (body.length > 250) fail(422, "Limit of 250 per request");
  const now = ctx.emu.clock.nowSec();
  const inputs = body.map((raw, i) => parseOrFail(noteIn, raw, String(i)));
  const notes = inputs.map((input, i): Note => {
    const rid = String(i);
    const entityId = pathId ?? input.entity_id;
    if (entityId === undefined)
      failValidation(rid, [
        { code: "NotBlank", path: "entity_id", detail: "This value should not be blank." },
      ]);
    if (!entityExists(ctx.acc, entity, entityId)) {
      failValidation(rid, [
        {
          code: "NotSupportedChoice",
          path: "entity_id",
          detail: "The value you selected is not a valid choice.",
        },
      ]);
    }
    if (!input.note_type)
      failValidation(rid, [
        { code: "NotBlank", path: "note_type", detail: "This value should not be blank." },
      ]);
    const params = checkParams(input.note_type, input.params, rid);
    checkUserRef(ctx.acc, input.responsible_user_id, requestIdOf(input, i));
    const author = input.created_by ?? ctx.userId;
    return {
      id: nextId(ctx.acc),
      entity_type: entity,
      entity_id: entityId,
      created_by: author,
      updated_by: author,
      created_at: input.created_at ?? now,
      updated_at: input.created_at ?? now,
      responsible_user_id: input.responsible_user_id ?? author,
      group_id: 0,
      note_type: input.note_type,
      params,
    };
  });
  ctx.acc.notes.push(...notes);
  for (const n of notes)
    noteAdded(ctx.emu, ctx.acc, entity, { id: n.id, note_type: n.note_type, element_id: n.entity_id });
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/${entity}/notes`) },
    _embedded: {
      notes: notes.map((n, i) => ({
        id: n.id,
        entity_id: n.entity_id,
        request_id: inputs[i]?.request_id ?? String(i),
        _links: { self: link(`${ctx.base}/api/v4/${entity}/${n.entity_id}/notes/${n.id}`) },
      })),
    },
  });
}

export function patchNotes(ctx: ApiCtx): Res {
  const entity = entityParam(ctx.params.entity);
  const body = arrayBody(ctx.req);
  const now = ctx.emu.clock.nowSec();
  const inputs = body.map((raw, i) => parseOrFail(noteIn, raw, String(i)));
  const targets = inputs.map((input, i) => {
    const n = ctx.acc.notes.find((x) => x.entity_type === entity && x.id === input.id);
    if (!n)
      failValidation(String(i), [
        { code: "NotSupportedChoice", path: "id", detail: "The value you selected is not a valid choice." },
      ]);
    const type = input.note_type ?? n.note_type;
    const params = input.params ? checkParams(type, input.params, String(i)) : n.params;
    return { n, type, params };
  });
  for (const t of targets) {
    t.n.note_type = t.type;
    t.n.params = t.params;
    t.n.updated_at = now;
    t.n.updated_by = ctx.userId;
  }
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/${entity}/notes`) },
    _embedded: {
      notes: targets.map(({ n }) => ({
        id: n.id,
        entity_id: n.entity_id,
        updated_at: n.updated_at,
        _links: { self: link(`${ctx.base}/api/v4/${entity}/${n.entity_id}/notes/${n.id}`) },
      })),
    },
  });
}
