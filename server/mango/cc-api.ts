import { normalizePhone, toMangoNumber } from "@/server/phone/normalize";
import type { MangoCampaign, MangoCampaignTask, MangoCcCallData, MangoCcTopic } from "./domain";
import type { MangoTransport } from "./http";
import { toCampaign, toCampaignTask, toCampaignTaskFromV2, toCcCallData, toCcTopics } from "./transform";
import {
  autoCallbackTaskResponseSchema,
  campaignStatusResponseSchema,
  campaignsResponseSchema,
  ccCallResponseSchema,
  ccTagsResponseSchema,
  resultEnvelopeSchema,
  taskAddResponseSchema,
  taskGetResponseSchema,
  v2TasksResponseSchema,
} from "./types";

/**
 * MANGO Contact Center methods [mango-cc-and-widget.md §1]. Same key, salt and signature as the VPBX API.
 * Outbound campaigns, tasks, topics and comments live under /vpbx/; only the auto-callback task lives under
 * the КЦ base /cc/. Business refusals come as 200 {"result": 51xx} and surface as MangoCampaignError.
 */

export type CampaignTaskInput = {
  campaignId: number;
  /** The client's number; MANGO's own examples send "+7…" here (unlike commands). */
  number: string;
  name?: string;
  comment?: string;
  /** 1..1000 */
  priority?: number;
  organization?: string;
  position?: string;
  /** "YYYY-MM-DD HH:MM:SS" UTC. */
  dueDate?: string;
  customFields?: Record<string, string>;
  /** Other numbers of the same client, dialled in this order until one answers. */
  alternativeNumbers?: string[];
};

function taskBody(t: Omit<CampaignTaskInput, "campaignId">): Record<string, unknown> {
  const out: Record<string, unknown> = { number: t.number };
  if (t.name !== undefined) out.name = t.name;
  if (t.comment !== undefined) out.comment = t.comment;
  if (t.priority !== undefined) out.priority = t.priority;
  if (t.organization !== undefined) out.organization = t.organization;
  if (t.position !== undefined) out.position = t.position;
  if (t.dueDate !== undefined) out.due_date = t.dueDate;
  if (t.customFields !== undefined) out.custom_fields = t.customFields;
  if (t.alternativeNumbers?.length) {
    out.subtasks = t.alternativeNumbers.map((number, order) => ({ number, order, type: 0 }));
  }
  return out;
}

export function createCcApi(t: MangoTransport) {
  return {
    async listCampaigns(): Promise<MangoCampaign[]> {
      const body = await t.call("campaign/list", {}, { schema: campaignsResponseSchema, idempotent: true });
      return body.campaigns.map(toCampaign);
    },

    /** Start or stop answer the resulting status code (1 scheduled / 0 stopped); repeating is harmless. */
    async setCampaignRunning(campaignId: number, running: boolean): Promise<number | null> {
      const body = await t.call(
        running ? "campaign/start" : "campaign/stop",
        { campaign_id: campaignId },
        { schema: campaignStatusResponseSchema, idempotent: true },
      );
      return body.status ?? null;
    },

    /**
     * One task, synchronously, into a non-completed endless campaign → its task id. Not repeated on an
     * unknown outcome: a repeat would be refused with 5109 (number already in the campaign), which the
     * caller can read as "the first attempt went through".
     */
    async addCampaignTask(input: CampaignTaskInput): Promise<{ taskId: number }> {
      const body = await t.call(
        "task/add",
        { campaign_id: input.campaignId, ...taskBody(input) },
        { schema: taskAddResponseSchema, idempotent: false },
      );
      return { taskId: body.task_id };
    },

    /** Many tasks, asynchronously (no ids back); allowed in any campaign status except completed. */
    async pushCampaignTasks(
      campaignId: number,
      tasks: Array<Omit<CampaignTaskInput, "campaignId">>,
    ): Promise<void> {
      await t.call(
        "tasks/push",
        { campaign_id: campaignId, tasks: tasks.map(taskBody) },
        { schema: resultEnvelopeSchema, idempotent: false },
      );
    },

    /** Paginated (v2): pass the returned cursor back until it is null. */
    async listCampaignTasks(input: {
      campaignIds: number[];
      limit?: number;
      cursor?: string | null;
    }): Promise<{ tasks: MangoCampaignTask[]; cursor: string | null }> {
      const body = await t.call(
        "v2/campaign/tasks",
        {
          campaign_ids: input.campaignIds,
          fields: ["alias_all"],
          limit: Math.min(100, Math.max(1, input.limit ?? 100)),
          cursor: input.cursor ?? null,
        },
        { schema: v2TasksResponseSchema, idempotent: true },
      );
      return { tasks: body.tasks.map(toCampaignTaskFromV2), cursor: body.cursor ?? null };
    },

    async getCampaignTask(taskId: number): Promise<MangoCampaignTask> {
      const body = await t.call(
        "task",
        { task_id: taskId },
        { schema: taskGetResponseSchema, idempotent: true },
      );
      return toCampaignTask(body);
    },

    /** Deleting twice ends in the same state (the second answers 3300), so it may be repeated. */
    async deleteCampaignTask(input: { campaignId: number; taskId: number }): Promise<void> {
      await t.call(
        "task/delete",
        { campaign_id: input.campaignId, task_id: input.taskId },
        { schema: resultEnvelopeSchema, idempotent: true },
      );
    },

    /**
     * Topics and operator comments of one call (by entry_id). They appear only after the operator's
     * post-call processing, so callers poll; an old entry may answer 3300 (MangoNotFoundError).
     */
    async getCcCall(entryId: string): Promise<MangoCcCallData> {
      const body = await t.call(
        "cc/call",
        { entry_id: entryId },
        { schema: ccCallResponseSchema, idempotent: true },
      );
      return toCcCallData(body);
    },

    /** The topic dictionary (a tree: parentId, isFolder). */
    async listCcTopics(): Promise<MangoCcTopic[]> {
      const body = await t.call("cc/tags", {}, { schema: ccTagsResponseSchema, idempotent: true });
      return toCcTopics(body);
    },

    /** КЦ auto-callback task at `startTime` (epoch seconds) for a VPBX user (general.user_id). */
    async addAutoCallbackTask(input: {
      toUserId: number;
      phone: string;
      startTime: number;
      description?: string;
      durationMinutes?: number;
    }): Promise<{ taskId: number; autoCallTaskId: number | null }> {
      const body = await t.call(
        "task/add",
        {
          event_type: 1,
          start_time: String(Math.floor(input.startTime)),
          to_user_id: input.toUserId,
          is_auto_call: 1,
          // MANGO's example sends digits without "+" here, as in commands.
          phone: toMangoNumber(normalizePhone(input.phone) ?? input.phone),
          ...(input.description ? { description: input.description } : {}),
          ...(input.durationMinutes ? { duration: input.durationMinutes } : {}),
        },
        { schema: autoCallbackTaskResponseSchema, idempotent: false, base: "cc" },
      );
      return { taskId: body.task_id, autoCallTaskId: body.auto_call_task_id ?? null };
    },
  };
}
