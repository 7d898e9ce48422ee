// Lead input: the zod schema of a lead in POST/PATCH bodies, stage resolution and construction of new leads.
import { z } from "zod";
import { cfListIn, resolveCustomFields } from "../cf";
import type { ApiCtx } from "../context";
import { fail, failValidation } from "../errors";
import { type Account, type Lead, nextId } from "../state";
import { applyTagChanges, tagRef } from "./tags";
import { checkUserRef } from "./user-ref";

const idRef = z.looseObject({ id: z.number().int(), is_main: z.boolean().optional() });

export const leadIn = z.looseObject({
  id: z.number().int().optional(),
  name: z.string().optional(),
  price: z.number().int().nonnegative().optional(),
  status_id: z.number().int().optional(),
  pipeline_id: z.number().int().optional(),
  created_by: z.number().int().optional(),
  updated_by: z.number().int().optional(),
  created_at: z.number().int().optional(),
  updated_at: z.number().int().optional(),
  closed_at: z.number().int().nullable().optional(),
  loss_reason_id: z.number().int().nullable().optional(),
  responsible_user_id: z.number().int().optional(),
  custom_fields_values: cfListIn.nullable().optional(),
  tags_to_add: z.array(tagRef).optional(),
  tags_to_delete: z.array(tagRef).optional(),
  request_id: z.string().optional(),
  _embedded: z
    .looseObject({
      tags: z.array(tagRef).nullable().optional(),
      contacts: z.array(idRef).optional(),
      companies: z.array(z.looseObject({ id: z.number().int() })).optional(),
    })
    .optional(),
});
export type LeadIn = z.infer<typeof leadIn>;

/** Resolves pipeline/status; default = first working stage of the main pipeline (reference §6.4). */
export function resolveStage(
  acc: Account,
  input: LeadIn,
  rid: string,
  current?: Lead,
  allowUnsorted = false,
) {
  const pipelineId = input.pipeline_id ?? (input.status_id === undefined ? current?.pipeline_id : undefined);
  let pipeline = pipelineId !== undefined ? acc.pipelines.find((p) => p.id === pipelineId) : undefined;
  if (pipelineId !== undefined && !pipeline) {
    failValidation(rid, [
      {
        code: "NotSupportedChoice",
        path: "pipeline_id",
        detail: "The value you selected is not a valid choice.",
      },
    ]);
  }
  if (!pipeline && input.status_id !== undefined) {
    const cur = current ? acc.pipelines.find((p) => p.id === current.pipeline_id) : undefined;
    const main = acc.pipelines.find((p) => p.is_main);
    pipeline = [cur, main, ...acc.pipelines].find((p) => p?.statuses.some((s) => s.id === input.status_id));
  }
  pipeline ??= acc.pipelines.find((p) => p.is_main) ?? acc.pipelines[0];
  if (!pipeline) fail(500, "No pipelines");
  const statusId =
    input.status_id ?? (current && current.pipeline_id === pipeline.id ? current.status_id : undefined);
  const status =
    statusId !== undefined
      ? pipeline.statuses.find((s) => s.id === statusId)
      : pipeline.statuses.find((s) => s.type === 0);
  if (!status || (status.type === 1 && !allowUnsorted && status.id !== current?.status_id)) {
    failValidation(rid, [
      {
        code: "NotSupportedChoice",
        path: "status_id",
        detail: "The value you selected is not a valid choice.",
      },
    ]);
  }
  return { pipeline_id: pipeline.id, status_id: status.id };
}

export function buildLead(ctx: ApiCtx, input: LeadIn, rid: string, allowUnsorted = false): Lead {
  const { acc } = ctx;
  const now = ctx.emu.clock.nowSec();
  checkUserRef(acc, input.responsible_user_id, input.request_id ?? rid);
  const stage = resolveStage(acc, input, rid, undefined, allowUnsorted);
  const lead: Lead = {
    id: nextId(acc),
    name: input.name ?? "",
    price: input.price ?? 0,
    responsible_user_id: input.responsible_user_id ?? ctx.userId,
    group_id: 0,
    ...stage,
    loss_reason_id: input.loss_reason_id ?? null,
    source_id: null,
    created_by: input.created_by ?? ctx.userId,
    updated_by: input.updated_by ?? input.created_by ?? ctx.userId,
    created_at: input.created_at ?? now,
    updated_at: input.updated_at ?? now,
    closed_at: stage.status_id === 142 || stage.status_id === 143 ? (input.closed_at ?? now) : null,
    closest_task_at: null,
    is_deleted: false,
    score: null,
    custom_fields_values: resolveCustomFields(acc, "leads", input.custom_fields_values ?? [], rid),
    tag_ids: applyTagChanges(acc, "leads", [], input, rid),
    contacts: (input._embedded?.contacts ?? []).map((c, i) => {
      if (!acc.contacts.some((x) => x.id === c.id)) {
        failValidation(rid, [
          {
            code: "NotSupportedChoice",
            path: `_embedded.contacts.${i}.id`,
            detail: "The value you selected is not a valid choice.",
          },
        ]);
      }
      return { id: c.id, is_main: c.is_main ?? i === 0 };
    }),
    company_ids: (input._embedded?.companies ?? []).map((c) => c.id),
  };
  return lead;
}
