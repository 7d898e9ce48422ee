// Tasks — /api/v4/tasks (reference §6.10).
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, failValidation, parseOrFail } from "../errors";
import {
  arrayBody,
  filterValues,
  hal,
  halList,
  intParam,
  jsonBody,
  link,
  noContent,
  type Res,
} from "../http";
import { type Account, nextId, type Task } from "../state";
import { checkUserRef, requestIdOf } from "./user-ref";

const taskIn = z.looseObject({
  id: z.number().int().optional(),
  text: z.string().optional(),
  complete_till: z.number().int().optional(),
  responsible_user_id: z.number().int().optional(),
  entity_id: z.number().int().optional(),
  entity_type: z.enum(["leads", "contacts", "companies", "customers"]).optional(),
  is_completed: z.boolean().optional(),
  task_type_id: z.number().int().optional(),
  duration: z.number().int().nonnegative().optional(),
  result: z.looseObject({ text: z.string() }).optional(),
  created_by: z.number().int().optional(),
  updated_by: z.number().int().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
  request_id: z.string().optional(),
});

export function renderTask(acc: Account, base: string, t: Task) {
  return {
    id: t.id,
    created_by: t.created_by,
    updated_by: t.updated_by,
    created_at: t.created_at,
    updated_at: t.updated_at,
    responsible_user_id: t.responsible_user_id,
    group_id: t.group_id,
    entity_id: t.entity_id,
    entity_type: t.entity_type,
    duration: t.duration,
    is_completed: t.is_completed,
    task_type_id: t.task_type_id,
    text: t.text,
    // An absent result is serialised as [] (PHP empty array) in amoCRM's own example.
    result: t.result ?? [],
    complete_till: t.complete_till,
    account_id: acc.id,
    _links: { self: link(`${base}/api/v4/tasks/${t.id}`) },
  };
}

export function listTasks(ctx: ApiCtx): Res {
  const url = ctx.req.url;
  const types = filterValues(url, "task_type").map(Number);
  const done = filterValues(url, "is_completed").map((v) => v === "1" || v === "true");
  const resp = filterValues(url, "responsible_user_id").map(Number);
  const entityType = filterValues(url, "entity_type");
  const entityIds = filterValues(url, "entity_id").map(Number);
  const ids = filterValues(url, "id").map(Number);
  const items = ctx.acc.tasks.filter(
    (t) =>
      (types.length === 0 || types.includes(t.task_type_id)) &&
      (done.length === 0 || done.includes(t.is_completed)) &&
      (resp.length === 0 || resp.includes(t.responsible_user_id)) &&
      (entityType.length === 0 || entityType.includes(t.entity_type ?? "")) &&
      (entityIds.length === 0 || entityIds.includes(t.entity_id ?? -1)) &&
      (ids.length === 0 || ids.includes(t.id)),
  );
  return halList(ctx.base, url, "tasks", items, (t) => renderTask(ctx.acc, ctx.base, t));
}

export function getTask(ctx: ApiCtx): Res {
  const t = ctx.acc.tasks.find((x) => x.id === intParam(ctx.params.id));
  return t ? hal(renderTask(ctx.acc, ctx.base, t)) : noContent();
}

export function createTasks(ctx: ApiCtx): Res {
  const body = arrayBody(ctx.req);
  if (body.length > 250) fail(422, "Limit of 250 per request");
  const now = ctx.emu.clock.nowSec();
  const inputs = body.map((raw, i) => parseOrFail(taskIn, raw, String(i)));
  const tasks = inputs.map((t, i): Task => {
    const rid = String(i);
    if (!t.text)
      failValidation(rid, [{ code: "NotBlank", path: "text", detail: "This value should not be blank." }]);
    if (t.complete_till === undefined) {
      failValidation(rid, [
        { code: "NotBlank", path: "complete_till", detail: "This value should not be blank." },
      ]);
    }
    checkUserRef(ctx.acc, t.responsible_user_id, requestIdOf(t, i));
    if ((t.entity_id === undefined) !== (t.entity_type === undefined)) {
      failValidation(rid, [
        { code: "NotBlank", path: "entity_type", detail: "entity_id and entity_type go together." },
      ]);
    }
    return {
      id: nextId(ctx.acc),
      created_by: t.created_by ?? ctx.userId,
      updated_by: t.updated_by ?? ctx.userId,
      created_at: t.created_at ?? now,
      updated_at: t.updated_at ?? now,
      responsible_user_id: t.responsible_user_id ?? ctx.userId,
      group_id: 0,
      entity_id: t.entity_id ?? null,
      entity_type: t.entity_type ?? null,
      duration: t.duration ?? 0,
      is_completed: t.is_completed ?? false,
      task_type_id: t.task_type_id ?? 1,
      text: t.text,
      result: t.result ? { text: t.result.text } : null,
      complete_till: t.complete_till,
    };
  });
  ctx.acc.tasks.push(...tasks);
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/tasks`) },
    _embedded: {
      tasks: tasks.map((t, i) => ({
        id: t.id,
        request_id: inputs[i]?.request_id ?? String(i),
        _links: { self: link(`${ctx.base}/api/v4/tasks/${t.id}`) },
      })),
    },
  });
}

function applyTask(ctx: ApiCtx, t: Task, input: z.infer<typeof taskIn>) {
  if (input.text !== undefined) t.text = input.text;
  if (input.complete_till !== undefined) t.complete_till = input.complete_till;
  if (input.responsible_user_id !== undefined) t.responsible_user_id = input.responsible_user_id;
  if (input.is_completed !== undefined) t.is_completed = input.is_completed;
  if (input.task_type_id !== undefined) t.task_type_id = input.task_type_id;
  if (input.result) t.result = { text: input.result.text };
  t.updated_by = input.updated_by ?? ctx.userId;
  t.updated_at = ctx.emu.clock.nowSec();
}

/** PATCH /tasks/{id} answers one object {id, updated_at, request_id, _links} (sample task-complete-response). */
export function patchTask(ctx: ApiCtx): Res {
  const t = ctx.acc.tasks.find((x) => x.id === intParam(ctx.params.id));
  if (!t) fail(404, "Task not found");
  const input = parseOrFail(taskIn, jsonBody(ctx.req), "0");
  checkUserRef(ctx.acc, input.responsible_user_id, requestIdOf(input, 0));
  applyTask(ctx, t, input);
  return hal({
    id: t.id,
    updated_at: t.updated_at,
    request_id: input.request_id ?? "0",
    _links: { self: link(`${ctx.base}/api/v4/tasks/${t.id}`) },
  });
}

export function patchTasks(ctx: ApiCtx): Res {
  const body = arrayBody(ctx.req);
  if (body.length > 50) fail(422, "Limit of 50 entities per update request");
  const inputs = body.map((raw, i) => parseOrFail(taskIn, raw, String(i)));
  const targets = inputs.map((input, i) => {
    const t = ctx.acc.tasks.find((x) => x.id === input.id);
    if (!t)
      failValidation(String(i), [
        { code: "NotSupportedChoice", path: "id", detail: "The value you selected is not a valid choice." },
      ]);
    checkUserRef(ctx.acc, input.responsible_user_id, requestIdOf(input, i));
    return t;
  });
  for (const [i, t] of targets.entries()) applyTask(ctx, t, inputs[i] ?? {});
  return hal({
    _links: { self: link(`${ctx.base}/api/v4/tasks`) },
    _embedded: {
      tasks: targets.map((t, i) => ({
        id: t.id,
        updated_at: t.updated_at,
        request_id: inputs[i]?.request_id ?? String(i),
        _links: { self: link(`${ctx.base}/api/v4/tasks/${t.id}`) },
      })),
    },
  });
}
