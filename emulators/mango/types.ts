/**
 * Plain, JSON-serialisable data model of the emulated accounts. Keeping it free of classes/closures is what
 * makes snapshot/load a simple JSON round-trip.
 */

export interface PhoneNumber {
  number: string;
  protocol: "sip" | "tel" | "fmc";
  order: number;
  waitSec: number;
  status: "on" | "off";
  /** Present only for tel numbers that MANGO's transformation rules rewrite (e.g. local 8… → 7…). */
  normalized?: string;
}

export interface Employee {
  userId: number;
  extension: string;
  name: string;
  email: string;
  department: string;
  position: string;
  /** The mobile from the employee card (as typed in the cabinet). */
  mobile: string | null;
  login: string;
  accessRoleId: number;
  /** SIP accounts without the "sip:" prefix, as `general.sips` shows them. */
  sips: string[];
  numbers: PhoneNumber[];
  outgoingLine: string | null;
  lineId: number | null;
  groups: number[];
  /** Emulator knob: a busy operator rejects ringing legs with 1121. */
  busy?: boolean;
}

export interface GroupOperator {
  userId: number;
  priority: number;
  order: number;
}

export interface Group {
  id: number;
  name: string;
  description: string;
  extension: string;
  dialAlgGroup: number;
  dialAlgUsers: number;
  lineId: number;
  operators: GroupOperator[];
}

export interface Line {
  lineId: number;
  number: string;
  name: string | null;
  comment: string | null;
  region: string;
  schemaId: number;
  schemaName: string;
}

export interface Campaign {
  campaign_id: number;
  line_id: number;
  created_by: { user_id: number; name: string; extension: string };
  name: string;
  start: number;
  end: number;
  status: number;
  priority: number;
  members: string[];
  redial_busy: number;
  redial_no_answer: number;
  redial_not_avail: number;
  timer_busy: number;
  timer_no_answer: number;
  timer_not_avail: number;
  answer_wait: number;
  add_calls_coef: number;
  dial_mode: number;
  call_processing: number;
  status_reason: number | null;
  schema_id: number | null;
  created: number;
  sip_trunk_id_operator: number | null;
  sip_trunk_id_client: number | null;
  service_type: number;
  tasks_count: number;
  finished_tasks_count: number;
  completed: number | null;
  endless: boolean;
}

export interface Subtask {
  subtask_id: number;
  number: string;
  order: number;
  type: number;
  priority?: number;
}

export interface CampaignTask {
  taskId: number;
  campaignId: number;
  name: string;
  number: string;
  priority: number;
  organization: string;
  position: string;
  comment: string;
  dueDate: string | null;
  blockedUntil: string | null;
  customFields: Record<string, string> | null;
  subtasks: Subtask[];
  status: number;
  statusReason: number | null;
  talkDuration: number | null;
  transferNumber: string | null;
  operatorId: number | null;
  attempts: number;
  firstAttempt: number | null;
  lastAttempt: number | null;
  created: number;
  updated: number;
  end: number | null;
  /** Operator's post-call comment on the task (v2 `task_comment`). */
  taskComment: string;
}

export interface CcTag {
  id: number;
  parent: number | null;
  name: string;
  category: number;
  groups: number[] | null;
  campaigns: number[] | null;
  is_folder: number;
}

/** What a КЦ operator recorded about a call: topics + comment, readable through /vpbx/cc/call/. */
export interface CcCallRecord {
  entryId: string;
  campaignId: number | null;
  taskId: number | null;
  operatorUserId: number;
  groupId: number | null;
  entryPoint: string;
  create: number;
  start: number | null;
  end: number;
  answered: boolean;
  tagIds: number[];
  comments: string[];
  recordingIds: string[];
  /** Epoch ms from which topics/comments are visible (operator post-call processing). */
  visibleAt: number;
}

/** Finished call (one entry) kept for stats/request and recordings. */
export interface CallHistory {
  entryId: string;
  direction: 0 | 1 | 2;
  fromExtension: string;
  fromNumber: string;
  toExtension: string;
  toNumber: string;
  lineNumber: string;
  start: number;
  answer: number;
  finish: number;
  disconnectReason: number;
  location: string;
  recordings: string[];
}

export interface RecordingInfo {
  recordingId: string;
  entryId: string;
  callId: string;
  extension: string;
  userId: number;
  completed: boolean;
}

export interface AutoCallbackTask {
  task_id: number;
  auto_call_task_id: number;
  to_user_id: number;
  phone: string;
  start_time: number;
  description: string;
}

export interface StatsRequest {
  key: string;
  requestId: string | null;
  dateFrom: number;
  dateTo: number;
  fields: string[];
  readyAt: number;
}

export interface Pbx {
  id: string;
  productId: number;
  apiKey: string;
  salt: string;
  eventsBaseUrl: string;
  /** "Открытое API" of КЦ enabled; when false every КЦ method answers 5008. */
  ccEnabled: boolean;
  employees: Employee[];
  groups: Group[];
  lines: Line[];
  smsSenders: string[];
  campaigns: Campaign[];
  tasks: CampaignTask[];
  tags: CcTag[];
  ccCalls: CcCallRecord[];
  history: CallHistory[];
  recordings: RecordingInfo[];
  autoCallbackTasks: AutoCallbackTask[];
  statsRequests: StatsRequest[];
}

export interface Counters {
  entry: number;
  call: number;
  recording: number;
  task: number;
  subtask: number;
  campaign: number;
  cmd: number;
  stats: number;
  autoCallback: number;
}
