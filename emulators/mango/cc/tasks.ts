import { ApiError, type Ctx, type Handler, int, ok, resultReply, str } from "../context";
import { isRecord } from "../http";
import type { Campaign, CampaignTask, Pbx, Subtask } from "../types";
import { CAMPAIGN_STATUS_FORBIDS } from "./campaigns";
import { refreshCampaign, taskGetJson, taskNumber, taskV2Json } from "./format";

/**
 * Campaign tasks (SPEC §4.6.2, 4.6.7, 4.6.8, 4.6.13): task/add (sync, one, only into a non-completed
 * endless campaign), tasks/push (async, many, any status except "Завершена"), task, task/delete,
 * task/start|stop and the paginated v2 list. Error codes: 3300 not found, 5106 campaign status forbids,
 * 5107 > 10 000 tasks, 5108 / 5113 over the campaign's / account's active-task limit (set through
 * /__control/task-limits; none by default), 5109 duplicate number in the campaign.
 */

const MAX_TASKS = 10_000;

type TaskInput = Omit<CampaignTask, "taskId" | "campaignId" | "created" | "updated">;

function parseTask(ctx: Ctx, raw: Record<string, unknown>): TaskInput {
  const number = str(raw, "number", true);
  if (number.length > 64) throw new ApiError(3109, "number too long");
  const priority = int(raw, "priority") ?? 1000;
  if (priority < 1 || priority > 1000) throw new ApiError(3104, "priority 1..1000");
  const comment = str(raw, "comment") ?? "";
  if (comment.length > 1024) throw new ApiError(3109, "comment too long");
  const cf = raw.custom_fields;
  if (cf !== undefined && cf !== null && !isRecord(cf))
    throw new ApiError(3104, "custom_fields must be an object");
  const subRaw = raw.subtasks ?? [];
  if (!Array.isArray(subRaw)) throw new ApiError(3104, "subtasks must be an array");
  const subtasks: Subtask[] = subRaw.map((s) => {
    if (!isRecord(s)) throw new ApiError(3104, "subtask must be an object");
    const type = int(s, "type", true);
    if (type !== 0) throw new ApiError(3104, "subtask type must be 0");
    return {
      subtask_id: ctx.state.nextSubtaskId(),
      number: taskNumber(str(s, "number", true)),
      order: int(s, "order", true),
      type,
    };
  });
  return {
    name: str(raw, "name") ?? "",
    number: taskNumber(number),
    priority,
    organization: str(raw, "organization") ?? "",
    position: str(raw, "position") ?? "",
    comment,
    dueDate: str(raw, "due_date") ?? null,
    blockedUntil: str(raw, "blocked_until") ?? null,
    customFields: isRecord(cf)
      ? Object.fromEntries(Object.entries(cf).map(([k, v]) => [k, String(v)]))
      : null,
    subtasks,
    status: 1,
    statusReason: null,
    talkDuration: null,
    transferNumber: null,
    operatorId: null,
    attempts: 0,
    firstAttempt: null,
    lastAttempt: null,
    end: null,
    taskComment: "",
  };
}

function numbersOf(t: Pick<CampaignTask, "number" | "subtasks">): string[] {
  return [t.number, ...t.subtasks.map((s) => s.number)];
}

function liveTasks(pbx: Pbx, campaignId: number): CampaignTask[] {
  return pbx.tasks.filter((t) => t.campaignId === campaignId && t.status !== 6);
}

const isActive = (t: CampaignTask) => t.status === 1 || t.status === 2;

/** 5108 / 5113 when `adding` more active tasks would pass a limit the control API set; null otherwise. */
function overActiveLimit(ctx: Ctx, pbx: Pbx, campaignId: number, adding: number): number | null {
  const { activePerCampaign, activeTotal } = ctx.state.settings.taskLimits;
  const active = pbx.tasks.filter(isActive);
  if (activePerCampaign !== null) {
    const inCampaign = active.filter((t) => t.campaignId === campaignId).length;
    if (inCampaign + adding > activePerCampaign) return 5108;
  }
  if (activeTotal !== null && active.length + adding > activeTotal) return 5113;
  return null;
}

/** Adds tasks to a campaign, then recounts the campaign once (a push of thousands stays linear). */
function insert(ctx: Ctx, pbx: Pbx, c: Campaign, inputs: TaskInput[]): CampaignTask[] {
  const now = ctx.clock.nowSeconds();
  const tasks = inputs.map(
    (input): CampaignTask => ({
      ...input,
      taskId: ctx.state.nextTaskId(),
      campaignId: c.campaign_id,
      created: now,
      updated: now,
    }),
  );
  pbx.tasks.push(...tasks);
  refreshCampaign(pbx, c, now);
  return tasks;
}

const taskAdd: Handler = (ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const input = parseTask(ctx, body);
  const c = pbx.campaigns.find((x) => x.campaign_id === id);
  if (!c) return resultReply(3300);
  // "Добавлять задания можно только в незавершенную и бесконечную кампанию (endless = true)".
  if (c.status === 4 || c.status === 6 || !c.endless) return resultReply(CAMPAIGN_STATUS_FORBIDS);
  const live = liveTasks(pbx, id);
  if (live.length >= MAX_TASKS) return resultReply(5107);
  const overLimit = overActiveLimit(ctx, pbx, id, 1);
  if (overLimit) return resultReply(overLimit);
  const taken = new Set(live.flatMap(numbersOf));
  if (numbersOf(input).some((n) => taken.has(n))) return resultReply(5109);
  return ok({ result: 1000, task_id: insert(ctx, pbx, c, [input])[0]!.taskId });
};

const tasksPush: Handler = (ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const raw = body.tasks;
  if (!Array.isArray(raw) || raw.length === 0) throw new ApiError(3103, "tasks required");
  const inputs = raw.map((t) => {
    if (!isRecord(t)) throw new ApiError(3104, "task must be an object");
    return parseTask(ctx, t);
  });
  const c = pbx.campaigns.find((x) => x.campaign_id === id);
  if (!c) return resultReply(3300);
  if (c.status === 4 || c.status === 6) return resultReply(CAMPAIGN_STATUS_FORBIDS);
  const live = liveTasks(pbx, id);
  if (live.length + inputs.length > MAX_TASKS) return resultReply(5107);
  const overLimit = overActiveLimit(ctx, pbx, id, inputs.length);
  if (overLimit) return resultReply(overLimit);
  const taken = new Set(live.flatMap(numbersOf));
  for (const i of inputs) {
    if (numbersOf(i).some((n) => taken.has(n))) return resultReply(5109);
    for (const n of numbersOf(i)) taken.add(n);
  }
  // Asynchronous in MANGO (no task ids returned): the tasks appear right after the answer.
  ctx.clock.schedule(ctx.clock.now(), () => {
    insert(ctx, pbx, c, inputs);
  });
  return ok({ result: 1000 });
};

function findTask(pbx: Pbx, body: Record<string, unknown>): CampaignTask | undefined {
  const taskId = int(body, "task_id", true);
  const campaignId = int(body, "campaign_id");
  return pbx.tasks.find(
    (t) => t.taskId === taskId && t.status !== 6 && (campaignId === undefined || t.campaignId === campaignId),
  );
}

const taskGet: Handler = (_ctx, pbx, body) => {
  const t = findTask(pbx, body);
  return t ? ok({ result: 1000, task: taskGetJson(t) }) : resultReply(3300);
};

function setTaskStatus(status: number, needsCampaign: boolean): Handler {
  return (ctx, pbx, body) => {
    if (needsCampaign) int(body, "campaign_id", true);
    const t = findTask(pbx, body);
    if (!t) return resultReply(3300);
    if (t.status === 2 || (t.status === 4 && status !== 6)) return resultReply(5111);
    t.status = status;
    t.statusReason = status === 0 || status === 6 ? 11 : t.statusReason;
    t.updated = ctx.clock.nowSeconds();
    const c = pbx.campaigns.find((x) => x.campaign_id === t.campaignId);
    if (c) refreshCampaign(pbx, c, t.updated);
    return ok({ result: 1000 });
  };
}

/** v2 list: cursor = opaque offset; `cursor` is present only when another page exists. */
const v2Tasks: Handler = (ctx, pbx, body) => {
  const rawIds = body.campaign_ids;
  const ids = (Array.isArray(rawIds) ? rawIds : [rawIds]).map((x) => Number(x));
  if (rawIds === undefined || ids.some((x) => !Number.isInteger(x)))
    throw new ApiError(3103, "campaign_ids required");
  const limit = Math.min(int(body, "limit") ?? 10, 100);
  if (limit < 1) throw new ApiError(3104, "limit 1..100");
  const cursorRaw = str(body, "cursor");
  const offset = cursorRaw ? Number(Buffer.from(cursorRaw, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError(3104, "bad cursor");
  const all = pbx.tasks.filter((t) => ids.includes(t.campaignId) && t.status !== 6);
  const page = all.slice(offset, offset + limit);
  const out: Record<string, unknown> = {
    result: 1000,
    cmd_id: Buffer.from(`cmd:${ctx.clock.now()}:${offset}`).toString("hex").slice(0, 32),
    tasks: page.map((t) =>
      taskV2Json(
        pbx,
        t,
        pbx.campaigns.find((c) => c.campaign_id === t.campaignId),
      ),
    ),
  };
  if (offset + limit < all.length) out.cursor = Buffer.from(String(offset + limit)).toString("base64url");
  return ok(out);
};

export const taskHandlers: Record<string, Handler> = {
  "task/add": taskAdd,
  "tasks/push": tasksPush,
  task: taskGet,
  "task/delete": setTaskStatus(6, true),
  "task/stop": setTaskStatus(0, true),
  "task/start": setTaskStatus(1, false),
  "v2/campaign/tasks": v2Tasks,
};
