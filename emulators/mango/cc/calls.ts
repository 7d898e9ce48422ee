import { type Handler, int, ok, resultReply, str } from "../context";
import { startCallback } from "../simulator/outbound";
import type { AutoCallbackTask } from "../types";

/**
 * КЦ call data (SPEC §4.7): /vpbx/cc/call/ returns topics (tag_id[]) and the operator's comments
 * (call_comment[]) for a call entry_id; /vpbx/cc/tags/ is the topic dictionary. Topics/comments become
 * visible only after the operator's post-call processing — clients must poll, as MANGO's own widget does.
 * Also /cc/task/add (auto-callback task, SPEC §4.3.1) which places the call at start_time.
 */

const ccCall: Handler = (ctx, pbx, body) => {
  const entryId = str(body, "entry_id", true);
  const rec = pbx.ccCalls.find((r) => r.entryId === entryId);
  if (!rec) return resultReply(3300);
  const visible = ctx.clock.now() >= rec.visibleAt;
  return ok({
    result: 1000,
    call: {
      conversion: [
        {
          conversion_id: 14000000 + pbx.ccCalls.indexOf(rec) + 1,
          channel_type: 1,
          create: rec.create,
          end: rec.end,
          result: rec.answered ? 1 : 4,
          assign_user_id: rec.operatorUserId,
          close_user_id: rec.operatorUserId,
          contact_id: rec.taskId ?? 0,
          first_answer: rec.start ?? 0,
          start: rec.start ?? rec.create,
          entry_point: rec.entryPoint,
          group_id: rec.groupId ?? 0,
          deal_id: 0,
          // bits 0-1 direction (2 = outgoing) + bit 2 "automatic" for campaign dialling.
          params: rec.campaignId !== null ? 6 : 1,
        },
      ],
      tag_id: visible ? rec.tagIds : [],
      call_comment: visible ? rec.comments : [],
      script_id: null,
      mark_client: null,
      mark_controller: [],
      recording_id: rec.recordingIds,
    },
  });
};

const ccTags: Handler = (_ctx, pbx) => ok({ result: 1000, tags: pbx.tags.map((t) => ({ ...t })) });

const ccTaskAdd: Handler = (ctx, pbx, body) => {
  const eventType = int(body, "event_type", true);
  const startTime = int(body, "start_time", true);
  const toUser = int(body, "to_user_id", true);
  const isAuto = int(body, "is_auto_call") === 1;
  const phone = str(body, "phone");
  if (eventType < 1 || eventType > 4) return resultReply(3104);
  const emp = pbx.employees.find((e) => e.userId === toUser);
  if (!emp) return resultReply(3300);
  if (isAuto && !phone) return resultReply(3103);
  const autoSeq = ctx.state.nextAutoCallbackId();
  const task: AutoCallbackTask = {
    task_id: 400000000 + autoSeq,
    auto_call_task_id: autoSeq,
    to_user_id: toUser,
    phone: phone ?? "",
    start_time: startTime,
    description: str(body, "description") ?? "",
  };
  pbx.autoCallbackTasks.push(task);
  if (isAuto && phone) {
    // The auto-callback call's events carry task_id = auto_call_task_id (SPEC §4.3.1).
    ctx.clock.schedule(Math.max(startTime * 1000, ctx.clock.now()), () => {
      const p = ctx.state.byId(pbx.id);
      if (!p) return;
      startCallback(ctx.engine, p, {
        employee: emp,
        toNumber: phone,
        outcome: "answered",
        talkSeconds: 30,
        recorded: false,
        extras: { task_id: task.auto_call_task_id, callback_initiator: "CC" },
      });
    });
  }
  return ok({ result: 1000, task_id: task.task_id, auto_call_task_id: task.auto_call_task_id });
};

export const ccCallHandlers: Record<string, Handler> = {
  "cc/call": ccCall,
  "cc/tags": ccTags,
};

/** Handlers under the /cc/ base (the КЦ API proper). */
export const ccApiHandlers: Record<string, Handler> = {
  "task/add": ccTaskAdd,
};
