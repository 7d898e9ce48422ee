// In-memory model of the amoCRM accounts the emulator serves.
// Everything under `State` is plain JSON (no Maps, no classes) so that a snapshot is `JSON.stringify(state)`.

export type EntityType = "leads" | "contacts" | "companies" | "customers";

export interface CfEnum {
  id: number;
  value: string;
  sort: number;
}

export interface CustomField {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  is_api_only: boolean;
  enums: CfEnum[] | null;
  group_id: string | null;
  required_statuses: Array<{ status_id: number; pipeline_id: number }>;
  is_deletable: boolean;
  is_predefined: boolean;
  entity_type: EntityType;
  settings: unknown;
  remind: string | null;
}

/** A stored value of a custom field; `enum_id` only for enum-backed types. */
export interface StoredCfValue {
  value?: string | number | boolean | null;
  enum_id?: number;
  enum_code?: string;
}

export interface StoredCf {
  field_id: number;
  values: StoredCfValue[];
}

export interface Tag {
  id: number;
  name: string;
  color: string | null;
}

export interface UserGroup {
  id: number;
  name: string;
  uuid: string | null;
}

export interface User {
  id: number;
  name: string;
  email: string;
  lang: string;
  is_admin: boolean;
  is_active: boolean;
  group_id: number | null;
  role_id: number | null;
}

export interface Status {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  color: string;
  /** 1 = "Неразобранное" (unsorted), 0 otherwise. */
  type: 0 | 1;
}

export interface Pipeline {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  statuses: Status[];
}

interface Audited {
  id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  responsible_user_id: number;
  group_id: number;
}

export interface Lead extends Audited {
  name: string;
  price: number;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  source_id: number | null;
  closed_at: number | null;
  closest_task_at: number | null;
  is_deleted: boolean;
  score: number | null;
  custom_fields_values: StoredCf[];
  tag_ids: number[];
  contacts: Array<{ id: number; is_main: boolean }>;
  company_ids: number[];
}

export interface Contact extends Audited {
  name: string;
  first_name: string;
  last_name: string;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields_values: StoredCf[];
  tag_ids: number[];
  company_ids: number[];
}

export interface Company extends Audited {
  name: string;
  custom_fields_values: StoredCf[];
  tag_ids: number[];
}

export interface Note extends Audited {
  entity_type: EntityType;
  entity_id: number;
  note_type: string;
  params: Record<string, unknown>;
}

export interface Task extends Audited {
  entity_id: number | null;
  entity_type: EntityType | null;
  duration: number;
  is_completed: boolean;
  task_type_id: number;
  text: string;
  result: { text: string } | null;
  complete_till: number;
}

export interface Call {
  id: number;
  entity_id: number;
  entity_type: "lead" | "contact" | "company" | "customer";
  note_id: number;
  request: Record<string, unknown>;
}

export interface UnsortedEntry {
  uid: string;
  source_uid: string | null;
  source_name: string;
  category: "sip" | "forms";
  pipeline_id: number;
  created_at: number;
  metadata: Record<string, unknown>;
  lead_ids: number[];
  contact_ids: number[];
  company_ids: number[];
}

export interface WebhookSub {
  id: number;
  destination: string;
  created_at: number;
  updated_at: number;
  created_by: number;
  sort: number;
  disabled: boolean;
  settings: string[];
}

export interface WidgetInstall {
  id: number;
  code: string;
  version: string;
  settings_template: Array<{ key: string; name: string; type: string; is_required: boolean }>;
  client_uuid: string | null;
  is_active_in_account: boolean;
  settings: Record<string, unknown>;
}

/**
 * One entry of the account's event feed (`GET /api/v4/events`, reference §6.11): what amoCRM's "События"
 * list shows. Recorded for leads created, moved between stages and deleted.
 */
export interface FeedEvent {
  /** amoCRM's event ids are strings (e.g. `01pz58t6p04ymgsgfbmfyfy1mf`). */
  id: string;
  type: string;
  entity_type: "lead";
  entity_id: number;
  created_by: number;
  created_at: number;
  value_after: unknown[];
  value_before: unknown[];
}

/** A DP widget action placed on one or more stages (a "stretched" zone when action_multiple). */
export interface DpAction {
  id: number;
  pipeline_id: number;
  status_ids: number[];
  webhook_url: string;
  settings: Record<string, unknown>;
  action_multiple: boolean;
  encoding: "json" | "form";
  client_id: string | null;
}

export interface Account {
  id: number;
  subdomain: string;
  name: string;
  uuid: string;
  amojo_id: string;
  /** false → every API call answers 402 (subscription ended). */
  paid: boolean;
  /** The account's IANA time zone (`datetime_settings.timezone`); Europe/Moscow when unset. */
  timezone?: string;
  current_user_id: number;
  groups: UserGroup[];
  users: User[];
  pipelines: Pipeline[];
  loss_reasons: Array<{ id: number; name: string }>;
  custom_fields: CustomField[];
  tags: Record<EntityType, Tag[]>;
  leads: Lead[];
  contacts: Contact[];
  companies: Company[];
  notes: Note[];
  tasks: Task[];
  calls: Call[];
  unsorted: UnsortedEntry[];
  webhooks: WebhookSub[];
  widgets: WidgetInstall[];
  dp_actions: DpAction[];
  /** The event feed, oldest first; absent in snapshots taken before it existed. */
  events?: FeedEvent[];
  next_id: number;
}

export interface Integration {
  client_id: string;
  client_secret: string;
  name: string;
  redirect_uris: string[];
  disconnect_url: string | null;
  /** Subdomains where the integration is installed (granted at least once and not uninstalled). */
  installed_in: string[];
}

export interface OAuthCode {
  code: string;
  client_id: string;
  subdomain: string;
  user_id: number;
  redirect_uri: string;
  expires_at: number;
  used: boolean;
}

export interface IssuedToken {
  token: string;
  client_id: string;
  subdomain: string;
  user_id: number;
  expires_at: number;
  /** refresh tokens: consumed by a refresh; access tokens: revoked by uninstall. */
  dead: boolean;
}

export interface State {
  accounts: Record<string, Account>;
  integrations: Record<string, Integration>;
  codes: OAuthCode[];
  access_tokens: IssuedToken[];
  refresh_tokens: IssuedToken[];
}

/** Controllable clock: real time shifted by an offset, optionally frozen (for deterministic tests). */
export class Clock {
  offsetMs = 0;
  frozenAt: number | null = null;
  nowMs(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}

export function nextId(acc: Account): number {
  acc.next_id += 2; // amoCRM ids in examples grow by 2 (10185151, 10185153…); harmless realism
  return acc.next_id;
}
