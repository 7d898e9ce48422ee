// Bodies we send to amoCRM, in the API's own snake_case (reference §6): features build them with the helpers
// below (phones, call and SMS notes), so the wire shape is written once, here.
import type { Query } from "./http";

export type EnumCodePhone = "WORK" | "WORKDD" | "MOB" | "FAX" | "HOME" | "OTHER";
export type EnumCodeEmail = "WORK" | "PRIV" | "OTHER";

/** Write by `field_id` or `field_code`; multitext values by `enum_id` or `enum_code` (reference §6.6). */
export type CustomFieldValueInput = {
  field_id?: number;
  field_code?: string;
  values: { value?: unknown; enum_id?: number; enum_code?: string }[];
};

export type TagRef = { id: number } | { name: string };

export type LeadCreate = {
  name?: string;
  price?: number;
  status_id?: number;
  pipeline_id?: number;
  responsible_user_id?: number;
  /** 0 = created by a robot (reference §6.4). */
  created_by?: number;
  created_at?: number;
  custom_fields_values?: CustomFieldValueInput[];
  tags_to_add?: TagRef[];
  request_id?: string;
  _embedded?: {
    tags?: TagRef[];
    contacts?: { id: number; is_main?: boolean }[];
    companies?: { id: number }[];
  };
};

export type LeadPatch = Omit<LeadCreate, "_embedded"> & {
  id: number;
  closed_at?: number;
  loss_reason_id?: number;
  updated_by?: number;
  tags_to_delete?: TagRef[];
  /** `tags: null` clears the lead's tags. */
  _embedded?: { tags?: TagRef[] | null };
};

export type ContactCreate = {
  name?: string;
  first_name?: string;
  last_name?: string;
  responsible_user_id?: number;
  created_by?: number;
  custom_fields_values?: CustomFieldValueInput[];
  tags_to_add?: TagRef[];
  request_id?: string;
};

export type ContactPatch = ContactCreate & { id: number; tags_to_delete?: TagRef[] };

/** One lead with (at most) one new contact and one new company (`POST /leads/complex`, ≤ 50 per call). */
export type ComplexLeadCreate = Omit<LeadCreate, "_embedded"> & {
  _embedded?: {
    contacts?: (ContactCreate | { id: number })[];
    companies?: ({ name: string } | { id: number })[];
    tags?: TagRef[];
    /** Creates the lead in "Неразобранное" (category sip | forms). */
    metadata?: Record<string, unknown>;
  };
};

export type NoteEntity = "leads" | "contacts" | "companies" | "customers";

export type NoteType =
  | "common"
  | "call_in"
  | "call_out"
  | "service_message"
  | "extended_service_message"
  | "message_cashier"
  | "geolocation"
  | "sms_in"
  | "sms_out"
  | "attachment";

export type NoteCreate = {
  entity_id: number;
  note_type: NoteType;
  params: Record<string, unknown>;
  responsible_user_id?: number;
  created_by?: number;
  created_at?: number;
  request_id?: string;
  /** Default true on amoCRM's side: note-driven Digital Pipeline triggers (e.g. "call made") fire. */
  is_need_to_trigger_digital_pipeline?: boolean;
};

/** A note changed in place (`PATCH /api/v4/{entity}/notes`, reference §6.7): `params` are sent whole. */
export type NotePatch = { id: number; note_type: NoteType; params: Record<string, unknown> };

/** call_status of call notes and `/calls` (reference §6.8). */
export const CALL_STATUS = {
  leftMessage: 1,
  callBackLater: 2,
  notAvailable: 3,
  talked: 4,
  wrongNumber: 5,
  notReached: 6,
  busy: 7,
} as const;
export type CallStatus = (typeof CALL_STATUS)[keyof typeof CALL_STATUS];

export type CallDetails = {
  direction: "inbound" | "outbound";
  phone: string;
  /** Seconds of conversation. */
  duration: number;
  /** Our integration's name as the card shows it ("Amango"). */
  source: string;
  /** Unique per call: amoCRM keys the call by it. */
  uniq?: string;
  /** Recording URL. */
  link?: string;
  /** amoCRM user id, phone or name of who talked. */
  callResponsible?: number | string;
  callStatus?: CallStatus;
  callResult?: string;
};

/**
 * A call_in / call_out note. For the call to count in amoCRM analytics `created_by` must equal
 * `responsible_user_id` (reference §6.7), so one `userId` sets both.
 */
export function callNote(
  entityId: number,
  call: CallDetails,
  opts: { userId?: number; createdAt?: number; requestId?: string; triggerDigitalPipeline?: boolean } = {},
): NoteCreate {
  const params: Record<string, unknown> = {
    uniq: call.uniq,
    duration: call.duration,
    source: call.source,
    link: call.link,
    phone: call.phone,
    call_responsible: call.callResponsible,
    call_status: call.callStatus,
    call_result: call.callResult,
  };
  return {
    entity_id: entityId,
    note_type: call.direction === "inbound" ? "call_in" : "call_out",
    params: dropUndefined(params),
    ...noteMeta(opts),
  };
}

/** An sms_in / sms_out note: params `{ text, phone }` (reference §6.7). */
export function smsNote(
  entityId: number,
  sms: { direction: "inbound" | "outbound"; phone: string; text: string },
  opts: { userId?: number; createdAt?: number; requestId?: string; triggerDigitalPipeline?: boolean } = {},
): NoteCreate {
  return {
    entity_id: entityId,
    note_type: sms.direction === "inbound" ? "sms_in" : "sms_out",
    params: { text: sms.text, phone: sms.phone },
    ...noteMeta(opts),
  };
}

/** A plain note; `service` makes it a service_message shown with our integration's name. */
export function textNote(
  entityId: number,
  text: string,
  opts: { service?: string; userId?: number } = {},
): NoteCreate {
  return opts.service
    ? {
        entity_id: entityId,
        note_type: "service_message",
        params: { service: opts.service, text },
        ...noteMeta(opts),
      }
    : { entity_id: entityId, note_type: "common", params: { text }, ...noteMeta(opts) };
}

function noteMeta(opts: {
  userId?: number;
  createdAt?: number;
  requestId?: string;
  triggerDigitalPipeline?: boolean;
}): Partial<NoteCreate> {
  return dropUndefined({
    responsible_user_id: opts.userId,
    created_by: opts.userId,
    created_at: opts.createdAt,
    request_id: opts.requestId,
    is_need_to_trigger_digital_pipeline: opts.triggerDigitalPipeline,
  });
}

/** `POST /api/v4/calls` item: amoCRM links it to the contact/lead found by the phone's last 10 digits. */
export type CallCreate = {
  direction: "inbound" | "outbound";
  phone: string;
  duration: number;
  source: string;
  uniq?: string;
  link?: string;
  call_responsible?: number | string;
  call_result?: string;
  call_status?: CallStatus;
  responsible_user_id?: number;
  created_by?: number;
  created_at?: number;
  request_id?: string;
};

export function callCreate(
  call: CallDetails,
  opts: { userId?: number; createdAt?: number } = {},
): CallCreate {
  return dropUndefined({
    direction: call.direction,
    phone: call.phone,
    duration: call.duration,
    source: call.source,
    uniq: call.uniq,
    link: call.link,
    call_responsible: call.callResponsible,
    call_status: call.callStatus,
    call_result: call.callResult,
    responsible_user_id: opts.userId,
    created_by: opts.userId,
    created_at: opts.createdAt,
  }) as CallCreate;
}

export type TaskCreate = {
  text: string;
  /** Unix seconds. */
  complete_till: number;
  entity_id?: number;
  /** Plural, as the tasks API wants it (reference §6.10). */
  entity_type?: "leads" | "contacts" | "companies" | "customers";
  responsible_user_id?: number;
  /** 1 = "Связаться" (call), 2 = meeting. */
  task_type_id?: number;
  duration?: number;
  created_by?: number;
  request_id?: string;
};

export type CustomFieldCreate = {
  name: string;
  type: string;
  code?: string;
  sort?: number;
  is_api_only?: boolean;
  enums?: { value: string; sort?: number }[];
  request_id?: string;
};

/**
 * A custom field edit (`PATCH /api/v4/{entity}/custom_fields`, admin only). `enums`, when given, is the field's
 * complete new list: an item with `id` keeps that option (its value/sort may change), one without is created,
 * an option left out is deleted — and amoCRM clears it from every deal that had it.
 */
export type CustomFieldPatch = {
  id: number;
  name?: string;
  sort?: number;
  enums?: { id?: number; value: string; sort?: number }[];
};

/** The PHONE field value of a contact (multitext, enum code WORK by default). */
export function phoneField(
  phones: string | string[],
  enumCode: EnumCodePhone = "WORK",
): CustomFieldValueInput {
  const list = Array.isArray(phones) ? phones : [phones];
  return { field_code: "PHONE", values: list.map((value) => ({ value, enum_code: enumCode })) };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export type LeadFilter = {
  pipelineId?: number;
  /** Leads in any of these (pipeline, status) pairs. */
  statuses?: { pipelineId: number; statusId: number }[];
  responsibleUserIds?: number[];
  ids?: number[];
  query?: string;
  withContacts?: boolean;
  order?: { field: "created_at" | "updated_at" | "id"; direction: "asc" | "desc" };
};

/** `GET /api/v4/leads` filter params (reference §5 "filter"; the filter API may be a paid add-on, §10.13). */
export function leadFilterQuery(filter: LeadFilter): Query {
  const query: Query = {
    with: filter.withContacts ? "contacts" : undefined,
    query: filter.query,
    "filter[id][]": filter.ids,
    "filter[pipeline_id][]": filter.pipelineId === undefined ? undefined : [filter.pipelineId],
    "filter[responsible_user_id][]": filter.responsibleUserIds,
  };
  filter.statuses?.forEach((s, i) => {
    query[`filter[statuses][${i}][pipeline_id]`] = s.pipelineId;
    query[`filter[statuses][${i}][status_id]`] = s.statusId;
  });
  if (filter.order) query[`order[${filter.order.field}]`] = filter.order.direction;
  return query;
}
