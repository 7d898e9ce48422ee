import type { Campaign, CampaignTask, Pbx } from "../types";

/** "2025.09.26 08:28:12" (UTC) — the date format of the v2 task list example. */
export function v2Date(sec: number | null): string | null {
  if (sec === null) return null;
  const d = new Date(sec * 1000).toISOString();
  return `${d.slice(0, 4)}.${d.slice(5, 7)}.${d.slice(8, 10)} ${d.slice(11, 19)}`;
}

/** Tasks take "YYYY-MM-DD HH:MM:SS" (UTC) in; /vpbx/task shows unix seconds (quoted, as in the example). */
export function unixString(v: string | null): string | null {
  if (v === null) return null;
  if (/^\d+$/.test(v)) return v;
  const ms = Date.parse(`${v.replace(" ", "T")}Z`);
  return Number.isFinite(ms) ? String(Math.floor(ms / 1000)) : v;
}

/** Campaign as /vpbx/campaign/list shows it (field order of the spec example; `endless` from §4.6.3). */
export function campaignJson(c: Campaign): Record<string, unknown> {
  return { ...c, created_by: { ...c.created_by }, members: [...c.members] };
}

/** MANGO stores task numbers without "+" (example: "+375291111111" in, "375291111111" out); SIP kept. */
export function taskNumber(n: string): string {
  return n.startsWith("sip:") ? n : n.replace(/[^\d]/g, "");
}

export function taskGetJson(t: CampaignTask): Record<string, unknown> {
  return {
    campaign_task_id: t.taskId,
    campaign_id: t.campaignId,
    name: t.name,
    priority: t.priority,
    position: t.position,
    organization: t.organization,
    number: t.number,
    talk_duration: t.talkDuration,
    status: t.status,
    status_reason: t.statusReason,
    comment: t.comment,
    due_date: unixString(t.dueDate),
    blocked_until: unixString(t.blockedUntil),
    transfer_number: t.transferNumber,
    updated: t.updated,
    end: t.end,
    created: t.created,
    custom_fields: t.customFields,
    subtasks: t.subtasks.map((s) => ({
      order: s.order,
      number: s.number,
      type: s.type,
      subtask_id: s.subtask_id,
    })),
  };
}

export function taskV2Json(pbx: Pbx, t: CampaignTask, c: Campaign | undefined): Record<string, unknown> {
  return {
    product_id: pbx.productId,
    point_id: pbx.productId * 10,
    campaign_id: t.campaignId,
    task_id: t.taskId,
    name: t.name,
    position: t.position,
    organization: t.organization,
    number: t.number,
    duration: t.talkDuration ?? 0,
    task_status: t.status,
    task_status_reason: t.statusReason,
    task_comment: t.taskComment,
    task_created: v2Date(t.created),
    task_updated: v2Date(t.updated),
    operator_id: t.operatorId,
    region_fias_id: 77,
    did_abonent_id: c?.line_id ?? null,
    first_attempt: v2Date(t.firstAttempt),
    last_attempt: v2Date(t.lastAttempt),
    attempts_count: t.attempts,
    make_last_attempt: false,
    priority: t.priority,
    postponed: false,
    timezone: 3,
    timezone_enabled: 2,
    ignore_client_schedule: false,
    subtasks: t.subtasks.map((s) => ({
      subtask_id: s.subtask_id,
      type: s.type,
      order: s.order,
      region_fias_id: 77,
      number: s.number,
    })),
    campaign_status: c?.status ?? null,
    campaign_service_type: c?.service_type ?? null,
  };
}

/** Keeps tasks_count / finished_tasks_count honest and completes a finite campaign that ran out of work. */
export function refreshCampaign(pbx: Pbx, c: Campaign, nowSec: number): void {
  const own = pbx.tasks.filter((t) => t.campaignId === c.campaign_id && t.status !== 6);
  c.tasks_count = own.length;
  c.finished_tasks_count = own.filter((t) => t.status === 4).length;
  if (!c.endless && c.status === 2 && own.length > 0 && own.every((t) => t.status === 4)) {
    c.status = 4;
    c.status_reason = 2;
    c.completed = nowSec;
  }
}
