/**
 * Our names for what MANGO tells us. Numbers keep MANGO's raw form (`number`) next to our E.164
 * normalisation (`phone`, null when it is an extension or a SIP login), because commands must send MANGO's
 * form back while matching with amoCRM needs E.164. Timestamps are epoch seconds as MANGO sends them.
 */

export type MangoEmployeeNumber = {
  number: string;
  phone: string | null;
  protocol: string | null;
  order: number | null;
  waitSeconds: number | null;
  enabled: boolean;
};

export type MangoEmployee = {
  /** general.user_id — only present when requested through ext_fields (we always request it). */
  userId: number | null;
  extension: string | null;
  name: string;
  email: string | null;
  department: string | null;
  position: string | null;
  mobile: string | null;
  mobilePhone: string | null;
  login: string | null;
  groups: number[];
  /** The caller ID this employee's outgoing calls use by default. */
  outgoingLine: string | null;
  lineId: number | null;
  numbers: MangoEmployeeNumber[];
  sips: string[];
};

export type MangoLineKind = "sip" | "sip-uac" | "toll-free" | "regional";

export type MangoLine = {
  lineId: number;
  number: string;
  phone: string | null;
  name: string | null;
  comment: string | null;
  kind: MangoLineKind;
  region: string | null;
  schemaId: number | null;
  schemaName: string | null;
};

export type MangoGroup = {
  id: number;
  name: string;
  extension: string | null;
  description: string | null;
  lineId: number | null;
  operators: Array<{
    userId: number;
    name: string | null;
    extension: string | null;
    priority: number | null;
  }>;
};

/** Campaign status codes [mango-cc-and-widget.md §1.5]; "completed" accepts no tasks and cannot restart. */
export type MangoCampaignStatus =
  | "stopped"
  | "scheduled"
  | "running"
  | "stopping"
  | "completed"
  | "processing"
  | "deleting"
  | "unknown";

export type MangoCampaign = {
  id: number;
  name: string;
  status: MangoCampaignStatus;
  statusCode: number;
  statusReason: number | null;
  endless: boolean | null;
  /** Whether `addCampaignTask` can succeed: not completed/deleting, and endless when MANGO says so. */
  acceptsTasks: boolean;
  lineId: number | null;
  serviceType: number | null;
  tasksCount: number | null;
  finishedTasksCount: number | null;
  start: number | null;
  end: number | null;
};

export type MangoTaskStatus = "stopped" | "queued" | "in_progress" | "finished" | "deleted" | "unknown";

export type MangoCampaignTask = {
  taskId: number;
  campaignId: number;
  name: string | null;
  number: string;
  phone: string | null;
  status: MangoTaskStatus;
  statusCode: number;
  statusReason: number | null;
  comment: string | null;
  operatorId: number | null;
  attempts: number | null;
  alternativeNumbers: string[];
};

export type MangoCcCallData = {
  topicIds: number[];
  comments: string[];
  operatorUserId: number | null;
  recordingIds: string[];
};

export type MangoCcTopic = {
  id: number;
  parentId: number | null;
  name: string;
  category: number | null;
  isFolder: boolean;
};
