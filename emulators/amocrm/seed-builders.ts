// Builders for the seeded entities (kept apart from the account data to keep files small).

import { EMAIL_ENUMS, FIELD, PHONE_ENUMS, SEED_TIME, USERS } from "./seed-ids";
import type { Contact, CustomField, EntityType, Lead, Pipeline, StoredCf, Task, User } from "./state";

export function user(id: number, name: string, email: string, isAdmin: boolean, groupId: number): User {
  return {
    id,
    name,
    email,
    lang: "ru",
    is_admin: isAdmin,
    is_active: true,
    group_id: groupId,
    role_id: null,
  };
}

export function pipeline(
  id: number,
  name: string,
  sort: number,
  isMain: boolean,
  stages: Array<[number, string]>,
) {
  const colors = ["#c1c1c1", "#99ccff", "#ffcc66", "#ffff99", "#deff81"];
  const statuses: Pipeline["statuses"] = stages.map(([sid, sname], i) => ({
    id: sid,
    name: sname,
    sort: (i + 1) * 10,
    is_editable: i !== 0,
    color: colors[i % colors.length] ?? "#99ccff",
    type: i === 0 ? 1 : 0,
  }));
  // 142/143 exist in every pipeline with the same ids (reference §6.3).
  statuses.push({
    id: 142,
    name: "Успешно реализовано",
    sort: 10000,
    is_editable: false,
    color: "#CCFF66",
    type: 0,
  });
  statuses.push({
    id: 143,
    name: "Закрыто и не реализовано",
    sort: 11000,
    is_editable: false,
    color: "#D5D8DB",
    type: 0,
  });
  return { id, name, sort, is_main: isMain, is_unsorted_on: true, is_archive: false, statuses };
}

export function field(
  entity: EntityType,
  id: number,
  name: string,
  type: string,
  code: string | null,
  sort: number,
  enums: Record<string, number> | null = null,
): CustomField {
  return {
    id,
    name,
    type,
    code,
    sort,
    is_api_only: false,
    enums: enums
      ? Object.entries(enums).map(([value, eid], i) => ({ id: eid, value, sort: (i + 1) * 2 }))
      : null,
    group_id: null,
    required_statuses: [],
    is_deletable: code === null,
    is_predefined: code !== null,
    entity_type: entity,
    settings: null,
    remind: null,
  };
}

export const phoneCf = (phone: string, enumCode = "WORK"): StoredCf => ({
  field_id: FIELD.phone,
  values: [{ value: phone, enum_id: PHONE_ENUMS[enumCode], enum_code: enumCode }],
});
export const emailCf = (email: string): StoredCf => ({
  field_id: FIELD.email,
  values: [{ value: email, enum_id: EMAIL_ENUMS.WORK, enum_code: "WORK" }],
});

export function contact(
  id: number,
  first: string,
  last: string,
  cfs: StoredCf[],
  resp: number,
  tags: number[] = [],
) {
  const c: Contact = {
    id,
    name: `${first} ${last}`.trim(),
    first_name: first,
    last_name: last,
    responsible_user_id: resp,
    group_id: 0,
    created_by: resp,
    updated_by: resp,
    created_at: SEED_TIME - 86400 * 30 + (id % 1000),
    updated_at: SEED_TIME - 86400,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: cfs,
    tag_ids: tags,
    company_ids: [],
  };
  return c;
}

export function lead(
  id: number,
  name: string,
  price: number,
  pipelineId: number,
  statusId: number,
  contactIds: number[],
) {
  const closed = statusId === 142 || statusId === 143;
  const l: Lead = {
    id,
    name,
    price,
    responsible_user_id: USERS.manager,
    group_id: 0,
    status_id: statusId,
    pipeline_id: pipelineId,
    loss_reason_id: null,
    source_id: null,
    created_by: USERS.admin,
    updated_by: USERS.admin,
    created_at: SEED_TIME - 86400 * 20,
    updated_at: SEED_TIME - 3600,
    closed_at: closed ? SEED_TIME - 7200 : null,
    closest_task_at: null,
    is_deleted: false,
    score: null,
    custom_fields_values: [],
    tag_ids: [],
    contacts: contactIds.map((cid, i) => ({ id: cid, is_main: i === 0 })),
    company_ids: [],
  };
  return l;
}

export function task(id: number, entityId: number, typeId: number, text: string, done: boolean): Task {
  return {
    id,
    created_by: USERS.admin,
    updated_by: USERS.admin,
    created_at: SEED_TIME - 86400 * 3,
    updated_at: SEED_TIME - 86400 * 2,
    responsible_user_id: USERS.manager,
    group_id: 0,
    entity_id: entityId,
    entity_type: "leads",
    duration: 0,
    is_completed: done,
    task_type_id: typeId,
    text,
    result: null,
    complete_till: SEED_TIME + 86400,
  };
}

export function noteSeed(id: number, leadId: number, type: string, params: Record<string, unknown>) {
  return {
    id,
    entity_type: "leads" as const,
    entity_id: leadId,
    created_by: USERS.manager,
    updated_by: USERS.manager,
    created_at: SEED_TIME - 5000,
    updated_at: SEED_TIME - 5000,
    responsible_user_id: USERS.manager,
    group_id: 0,
    note_type: type,
    params,
  };
}
