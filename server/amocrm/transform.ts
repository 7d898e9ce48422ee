// amoCRM API shapes → Amango domain types. Features work with these, never with raw `_embedded` envelopes,
// so a change on amoCRM's side is absorbed here.
import type {
  RawAccount,
  RawContact,
  RawCustomField,
  RawCustomFieldsValues,
  RawLead,
  RawPipeline,
  RawUser,
  RawWebhookSubscription,
} from "./types";

/** amoCRM's closed statuses have the same ids in every pipeline (reference §6.3). */
export const STATUS_WON = 142;
export const STATUS_LOST = 143;

export type AmoAccount = {
  id: number;
  name: string;
  subdomain: string;
  currentUserId: number;
  country: string | null;
  amojoId: string | null;
  uuid: string | null;
  timezone: string | null;
  usersGroups: { id: number; name: string }[];
  taskTypes: { id: number; name: string; code: string | null }[];
};

export type AmoUser = {
  id: number;
  name: string;
  email: string | null;
  groupId: number | null;
  isAdmin: boolean;
  isActive: boolean;
  lang: string | null;
};

/** `unsorted` = "Неразобранное" (type 1); `won`/`lost` = 142/143; everything else `open`. */
export type AmoStatusType = "unsorted" | "open" | "won" | "lost";

export type AmoPipeline = {
  id: number;
  name: string;
  sort: number;
  isMain: boolean;
  isArchive: boolean;
  statuses: { id: number; name: string; sort: number; type: AmoStatusType; color: string | null }[];
};

export type AmoTag = { id: number; name: string; color: string | null };

export type AmoPhone = { value: string; enumCode: string | null };
export type AmoEmail = { value: string; enumCode: string | null };

export type AmoCustomFieldValue = {
  fieldId: number;
  fieldCode: string | null;
  fieldName: string | null;
  values: { value: unknown; enumId: number | null; enumCode: string | null }[];
};

export type AmoLead = {
  id: number;
  name: string;
  price: number;
  pipelineId: number;
  statusId: number;
  responsibleUserId: number | null;
  groupId: number | null;
  lossReasonId: number | null;
  createdAt: number | null;
  updatedAt: number | null;
  closedAt: number | null;
  isDeleted: boolean;
  tags: AmoTag[];
  /** Present only when the lead was read `with=contacts`. */
  contacts: { id: number; isMain: boolean }[];
  companyIds: number[];
  customFields: AmoCustomFieldValue[];
};

export type AmoContact = {
  id: number;
  name: string;
  firstName: string | null;
  lastName: string | null;
  phones: AmoPhone[];
  emails: AmoEmail[];
  responsibleUserId: number | null;
  groupId: number | null;
  createdAt: number | null;
  updatedAt: number | null;
  tags: AmoTag[];
  /** Present only when the contact was read `with=leads`. */
  leadIds: number[];
  customFields: AmoCustomFieldValue[];
};

export type AmoCustomField = {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number | null;
  isApiOnly: boolean;
  enums: { id: number; value: string; sort: number | null }[];
};

export function toAccount(raw: RawAccount): AmoAccount {
  return {
    id: raw.id,
    name: raw.name,
    subdomain: raw.subdomain,
    currentUserId: raw.current_user_id,
    country: raw.country ?? null,
    amojoId: raw.amojo_id ?? null,
    uuid: raw.uuid ?? null,
    timezone: raw._embedded?.datetime_settings?.timezone ?? null,
    usersGroups: (raw._embedded?.users_groups ?? []).map((g) => ({ id: g.id, name: g.name })),
    taskTypes: (raw._embedded?.task_types ?? []).map((t) => ({
      id: t.id,
      name: t.name,
      code: t.code ?? null,
    })),
  };
}

export function toUser(raw: RawUser): AmoUser {
  return {
    id: raw.id,
    name: raw.name,
    email: raw.email ?? null,
    groupId: raw.rights?.group_id ?? null,
    isAdmin: raw.rights?.is_admin ?? false,
    // An absent flag means an active user: only deactivated users are marked (reference §6.2).
    isActive: raw.rights?.is_active ?? true,
    lang: raw.lang ?? null,
  };
}

function statusType(id: number, type: number | undefined): AmoStatusType {
  if (id === STATUS_WON) return "won";
  if (id === STATUS_LOST) return "lost";
  return type === 1 ? "unsorted" : "open";
}

export function toPipeline(raw: RawPipeline): AmoPipeline {
  return {
    id: raw.id,
    name: raw.name,
    sort: raw.sort,
    isMain: raw.is_main ?? false,
    isArchive: raw.is_archive ?? false,
    statuses: (raw._embedded?.statuses ?? [])
      .map((s) => ({
        id: s.id,
        name: s.name,
        sort: s.sort,
        type: statusType(s.id, s.type),
        color: s.color ?? null,
      }))
      .sort((a, b) => a.sort - b.sort),
  };
}

export function toCustomFieldValues(raw: RawCustomFieldsValues): AmoCustomFieldValue[] {
  return (raw ?? []).map((f) => ({
    fieldId: f.field_id,
    fieldCode: f.field_code ?? null,
    fieldName: f.field_name ?? null,
    values: (f.values ?? []).map((v) => ({
      value: v.value,
      enumId: v.enum_id ?? null,
      enumCode: v.enum_code ?? (typeof v.enum === "string" ? v.enum : null),
    })),
  }));
}

/** Values of a multitext system field (PHONE, EMAIL) with their enum codes (WORK, MOB, …). */
function multitext(fields: AmoCustomFieldValue[], code: "PHONE" | "EMAIL") {
  return fields
    .filter((f) => f.fieldCode === code)
    .flatMap((f) => f.values)
    .filter((v) => typeof v.value === "string" || typeof v.value === "number")
    .map((v) => ({ value: String(v.value), enumCode: v.enumCode }));
}

export function toLead(raw: RawLead): AmoLead {
  const e = raw._embedded;
  return {
    id: raw.id,
    name: raw.name ?? "",
    price: raw.price ?? 0,
    pipelineId: raw.pipeline_id,
    statusId: raw.status_id,
    responsibleUserId: raw.responsible_user_id ?? null,
    groupId: raw.group_id ?? null,
    lossReasonId: raw.loss_reason_id ?? null,
    createdAt: raw.created_at ?? null,
    updatedAt: raw.updated_at ?? null,
    closedAt: raw.closed_at ?? null,
    isDeleted: raw.is_deleted ?? false,
    tags: (e?.tags ?? []).map((t) => ({ id: t.id, name: t.name, color: t.color ?? null })),
    contacts: (e?.contacts ?? []).map((c) => ({ id: c.id, isMain: c.is_main ?? false })),
    companyIds: (e?.companies ?? []).map((c) => c.id),
    customFields: toCustomFieldValues(raw.custom_fields_values),
  };
}

export function toContact(raw: RawContact): AmoContact {
  const fields = toCustomFieldValues(raw.custom_fields_values);
  const e = raw._embedded;
  const fullName = [raw.first_name, raw.last_name].filter(Boolean).join(" ");
  return {
    id: raw.id,
    name: raw.name || fullName,
    firstName: raw.first_name ?? null,
    lastName: raw.last_name ?? null,
    phones: multitext(fields, "PHONE"),
    emails: multitext(fields, "EMAIL"),
    responsibleUserId: raw.responsible_user_id ?? null,
    groupId: raw.group_id ?? null,
    createdAt: raw.created_at ?? null,
    updatedAt: raw.updated_at ?? null,
    tags: (e?.tags ?? []).map((t) => ({ id: t.id, name: t.name, color: t.color ?? null })),
    leadIds: (e?.leads ?? []).map((l) => l.id),
    customFields: fields,
  };
}

export function toCustomField(raw: RawCustomField): AmoCustomField {
  return {
    id: raw.id,
    name: raw.name,
    type: raw.type,
    code: raw.code ?? null,
    sort: raw.sort ?? null,
    isApiOnly: raw.is_api_only ?? false,
    enums: (raw.enums ?? []).map((e) => ({ id: e.id, value: e.value, sort: e.sort ?? null })),
  };
}

/** An account webhook subscription (§6.13): where amoCRM posts which events. */
export type AmoWebhookSubscription = {
  id: number;
  destination: string;
  disabled: boolean;
  events: string[];
};

export function toWebhookSubscription(raw: RawWebhookSubscription): AmoWebhookSubscription {
  return {
    id: raw.id,
    destination: raw.destination,
    disabled: raw.disabled ?? false,
    events: raw.settings ?? [],
  };
}

/**
 * The lead's main contact: the one amoCRM marks `is_main`, else the first linked (a lead created through
 * the API may have no flag set). Null when the lead has no contact or was read without `with=contacts`.
 */
export function mainContactId(lead: Pick<AmoLead, "contacts">): number | null {
  return (lead.contacts.find((c) => c.isMain) ?? lead.contacts[0])?.id ?? null;
}

/** Digits only: "+7 (912) 345-67-89" → "79123456789". */
export const phoneDigits = (phone: string) => phone.replace(/\D/g, "");

/**
 * Whether two numbers are the same subscriber, compared as amoCRM's call linking does: by the last 10
 * digits (reference §6.8), so "+7 912…" and "8 912…" match.
 */
export function samePhone(a: string, b: string): boolean {
  const da = phoneDigits(a);
  const db = phoneDigits(b);
  if (da.length < 10 || db.length < 10) return da === db && da.length > 0;
  return da.slice(-10) === db.slice(-10);
}

/** `query` is full-text (reference §6.5): keep only contacts that really carry the phone. */
export function contactHasPhone(contact: Pick<AmoContact, "phones">, phone: string): boolean {
  return contact.phones.some((p) => samePhone(p.value, phone));
}
