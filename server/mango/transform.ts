import type { z } from "zod";
import { normalizePhone } from "@/server/phone/normalize";
import type {
  MangoCampaign,
  MangoCampaignStatus,
  MangoCampaignTask,
  MangoCcCallData,
  MangoCcTopic,
  MangoEmployee,
  MangoGroup,
  MangoLine,
  MangoLineKind,
  MangoTaskStatus,
} from "./domain";
import type {
  CampaignWire,
  ccCallResponseSchema,
  ccTagsResponseSchema,
  GroupWire,
  LineWire,
  MangoUserWire,
  taskGetResponseSchema,
  V2TaskWire,
} from "./types";

/** MANGO's answers → our domain types. Pure functions, tested on the reference samples. */

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);
/** MANGO sends "" for "not set" as often as null; treat both as absent. */
const text = (v: string | null | undefined): string | null =>
  v === undefined || v === null || v === "" ? null : v;

export function toEmployee(u: MangoUserWire): MangoEmployee {
  const mobile = text(u.general.mobile);
  return {
    userId: orNull(u.general.user_id),
    extension: text(u.telephony.extension),
    name: u.general.name ?? "",
    email: text(u.general.email),
    department: text(u.general.department),
    position: text(u.general.position),
    mobile,
    mobilePhone: normalizePhone(mobile),
    login: text(u.general.login),
    groups: u.groups ?? [],
    outgoingLine: text(u.telephony.outgoingline),
    lineId: orNull(u.telephony.line_id),
    numbers: (u.telephony.numbers ?? []).map((n) => ({
      number: n.number,
      // number_normalized is MANGO's own expansion of a local number ("1212121" → "74951212121").
      phone: normalizePhone(n.number_normalized ?? n.number),
      protocol: orNull(n.protocol),
      order: orNull(n.order),
      waitSeconds: orNull(n.wait_sec),
      enabled: n.status !== "off",
    })),
    sips: (u.general.sips ?? []).map((s) => s.number),
  };
}

function lineKind(region: string | null): MangoLineKind {
  if (region === "sip" || region === "sip-uac" || region === "toll-free") return region;
  return "regional";
}

export function toLine(l: LineWire): MangoLine {
  const region = orNull(l.region);
  return {
    lineId: l.line_id,
    number: l.number,
    phone: normalizePhone(l.number),
    name: text(l.name),
    comment: text(l.comment),
    kind: lineKind(region),
    region,
    schemaId: orNull(l.schema_id),
    schemaName: text(l.schema_name),
  };
}

export function toGroup(g: GroupWire): MangoGroup {
  return {
    id: g.id,
    name: g.name ?? "",
    extension: text(g.extension),
    description: text(g.description),
    lineId: orNull(g.line_id),
    operators: (g.operators ?? []).map((o) => ({
      userId: o.id,
      name: text(o.name),
      extension: text(o.extension),
      priority: orNull(o.priority),
    })),
  };
}

const CAMPAIGN_STATUSES: Record<number, MangoCampaignStatus> = {
  0: "stopped",
  1: "scheduled",
  2: "running",
  3: "stopping",
  4: "completed",
  5: "processing",
  6: "deleting",
};

export function toCampaign(c: CampaignWire): MangoCampaign {
  const status = CAMPAIGN_STATUSES[c.status] ?? "unknown";
  const endless = c.endless === undefined || c.endless === null ? null : Boolean(c.endless);
  return {
    id: c.campaign_id,
    name: c.name ?? "",
    status,
    statusCode: c.status,
    statusReason: orNull(c.status_reason),
    endless,
    // "Добавлять задания можно только в незавершенную и бесконечную кампанию" [§1.4].
    acceptsTasks: status !== "completed" && status !== "deleting" && endless !== false,
    lineId: orNull(c.line_id),
    serviceType: orNull(c.service_type),
    tasksCount: orNull(c.tasks_count),
    finishedTasksCount: orNull(c.finished_tasks_count),
    start: orNull(c.start),
    end: orNull(c.end),
  };
}

const TASK_STATUSES: Record<number, MangoTaskStatus> = {
  0: "stopped",
  1: "queued",
  2: "in_progress",
  4: "finished",
  6: "deleted",
};

export function toCampaignTaskFromV2(t: V2TaskWire): MangoCampaignTask {
  return {
    taskId: t.task_id,
    campaignId: t.campaign_id,
    name: text(t.name),
    number: t.number,
    phone: normalizePhone(t.number),
    status: TASK_STATUSES[t.task_status] ?? "unknown",
    statusCode: t.task_status,
    statusReason: orNull(t.task_status_reason),
    comment: text(t.task_comment),
    operatorId: orNull(t.operator_id),
    attempts: orNull(t.attempts_count),
    alternativeNumbers: (t.subtasks ?? []).map((s) => s.number),
  };
}

export function toCampaignTask(r: z.infer<typeof taskGetResponseSchema>): MangoCampaignTask {
  const t = r.task;
  return {
    taskId: t.campaign_task_id,
    campaignId: t.campaign_id,
    name: text(t.name),
    number: t.number,
    phone: normalizePhone(t.number),
    status: TASK_STATUSES[t.status] ?? "unknown",
    statusCode: t.status,
    statusReason: orNull(t.status_reason),
    comment: text(t.comment),
    operatorId: null,
    attempts: null,
    alternativeNumbers: (t.subtasks ?? []).map((s) => s.number),
  };
}

export function toCcCallData(r: z.infer<typeof ccCallResponseSchema>): MangoCcCallData {
  const comments = r.call.call_comment;
  const conversion = r.call.conversion?.[0];
  return {
    topicIds: r.call.tag_id ?? [],
    comments: (Array.isArray(comments) ? comments : comments ? [comments] : []).filter(
      (c) => c.trim() !== "",
    ),
    operatorUserId: conversion?.close_user_id ?? conversion?.assign_user_id ?? null,
    recordingIds: r.call.recording_id ?? [],
  };
}

export function toCcTopics(r: z.infer<typeof ccTagsResponseSchema>): MangoCcTopic[] {
  return r.tags.map((t) => ({
    id: t.id,
    parentId: orNull(t.parent),
    name: t.name,
    category: orNull(t.category),
    isFolder: Boolean(t.is_folder),
  }));
}
