import type { Ctx } from "../context";
import type { Entry } from "../simulator/engine";
import { mangoNumber } from "../simulator/incoming";
import { startCallback } from "../simulator/outbound";
import type { CallOutcome } from "../state";
import type { CcCallRecord, Pbx } from "../types";
import { refreshCampaign } from "./format";

/**
 * A campaign ("ИО") call: dial mode 3 "сначала оператору" — the operator is rung first, then the client,
 * i.e. the callback flow. Its events/call carry `task_id` (the campaign task = the client) and
 * `callback_initiator: "ObDial"`; afterwards the task gets its attempt/result and the call's КЦ data (topics,
 * operator comment) becomes readable through /vpbx/cc/call/ once the operator's post-call processing is over.
 */
export interface CampaignCallSpec {
  campaignId: number;
  taskId?: number;
  operator?: string;
  outcome?: CallOutcome;
  talkSeconds?: number;
  recorded?: boolean;
  topics?: number[];
  comment?: string;
  /**
   * Seconds after the call until topics/comment are saved (default: the campaign's call_processing);
   * `null` = the operator never saves them (/vpbx/cc/call/ keeps answering empty `tag_id`/`call_comment`).
   */
  commentDelaySeconds?: number | null;
}

/** visibleAt of a record whose topics/comment never appear (finite, so it survives a JSON snapshot). */
export const NEVER_VISIBLE = Number.MAX_SAFE_INTEGER;

/** When topics/comment saved `delaySeconds` after now become visible; null = never. */
export function visibleAfter(ctx: Ctx, delaySeconds: number | null): number {
  return delaySeconds === null ? NEVER_VISIBLE : ctx.clock.now() + delaySeconds * 1000;
}

/** task status_reason / attempt result codes (SPEC §4.6.13). */
const REASON: Record<CallOutcome, number> = {
  answered: 1,
  client_busy: 2,
  client_no_answer: 3,
  operator_busy: 5,
  operator_no_answer: 6,
};

export function startCampaignCall(
  ctx: Ctx,
  pbx: Pbx,
  spec: CampaignCallSpec,
): { entryId: string; taskId: number } {
  const c = pbx.campaigns.find((x) => x.campaign_id === spec.campaignId);
  if (!c) throw new Error(`campaign ${spec.campaignId} not found`);
  if (c.status !== 2 && c.status !== 1)
    throw new Error(`campaign ${c.campaign_id} is not running (status ${c.status})`);
  const task = pbx.tasks.find(
    (t) =>
      t.campaignId === c.campaign_id &&
      (spec.taskId === undefined ? t.status === 1 : t.taskId === spec.taskId),
  );
  if (!task || task.status === 6) throw new Error("no queued task in this campaign");
  const opExt =
    spec.operator ?? c.members.find((m) => pbx.employees.some((e) => e.extension === m && !e.busy));
  const emp = pbx.employees.find((e) => e.extension === opExt);
  if (!emp) throw new Error("no operator available for this campaign");
  const outcome = spec.outcome ?? "answered";
  task.status = 2;
  const delaySeconds = spec.commentDelaySeconds === undefined ? c.call_processing : spec.commentDelaySeconds;
  const entry = startCallback(ctx.engine, pbx, {
    employee: emp,
    toNumber: task.number,
    lineNumber: pbx.lines.find((l) => l.lineId === c.line_id)?.number,
    outcome,
    talkSeconds: spec.talkSeconds ?? 30,
    recorded: spec.recorded ?? false,
    extras: { task_id: task.taskId, callback_initiator: "ObDial" },
    onFinish: (e, answered) => {
      const now = ctx.clock.nowSeconds();
      task.attempts += 1;
      task.firstAttempt ??= e.createTime;
      task.lastAttempt = e.createTime;
      task.updated = now;
      task.statusReason = REASON[outcome];
      task.operatorId = emp.userId;
      const redials = outcome === "client_busy" ? c.redial_busy : c.redial_no_answer;
      task.status = answered || task.attempts > redials ? 4 : 1;
      if (task.status === 4) task.end = now;
      if (answered) {
        task.talkDuration = now - e.talkTime;
        task.transferNumber = emp.extension;
      }
      if (spec.comment !== undefined) task.taskComment = spec.comment;
      const rec: CcCallRecord = {
        entryId: e.entryId,
        campaignId: c.campaign_id,
        taskId: task.taskId,
        operatorUserId: emp.userId,
        groupId: null,
        entryPoint: pbx.lines.find((l) => l.lineId === c.line_id)?.number ?? "",
        create: e.createTime,
        start: answered ? e.talkTime : null,
        end: now,
        answered,
        tagIds: spec.topics ?? [],
        comments: spec.comment !== undefined ? [spec.comment] : [],
        recordingIds: pbx.recordings.filter((r) => r.entryId === e.entryId).map((r) => r.recordingId),
        visibleAt: visibleAfter(ctx, delaySeconds),
      };
      pbx.ccCalls.push(rec);
      refreshCampaign(pbx, c, now);
    },
  });
  return { entryId: entry.entryId, taskId: task.taskId };
}

/** Post-call processing of an ordinary КЦ incoming call when the scenario names no delay. */
export const INCOMING_COMMENT_DELAY_SECONDS = 30;

export interface IncomingCcData {
  answeredBy?: string;
  group?: string;
  line?: string;
  topics?: number[];
  comment?: string;
  commentDelaySeconds?: number | null;
}

/**
 * An incoming call handled in the КЦ: once it ends answered, its topics/comment are recorded (params 1 =
 * incoming, group_id of the group it came through) and become readable through /vpbx/cc/call/ after the
 * delay. A missed call gets no record (3300), like an incoming call without КЦ data.
 */
export function recordIncomingCcCall(ctx: Ctx, pbx: Pbx, entry: Entry, sc: IncomingCcData): void {
  const previous = entry.onFinish;
  entry.onFinish = (e, answered, reason) => {
    previous?.(e, answered, reason);
    const emp = pbx.employees.find((x) => x.extension === sc.answeredBy);
    if (!answered || !emp) return;
    const delaySeconds =
      sc.commentDelaySeconds === undefined ? INCOMING_COMMENT_DELAY_SECONDS : sc.commentDelaySeconds;
    pbx.ccCalls.push({
      entryId: e.entryId,
      campaignId: null,
      taskId: null,
      operatorUserId: emp.userId,
      groupId: sc.group ? (pbx.groups.find((g) => g.extension === sc.group)?.id ?? null) : null,
      entryPoint: mangoNumber(sc.line ?? pbx.lines[0]?.number ?? ""),
      create: e.createTime,
      start: e.talkTime,
      end: ctx.clock.nowSeconds(),
      answered: true,
      tagIds: sc.topics ?? [],
      comments: sc.comment !== undefined ? [sc.comment] : [],
      recordingIds: pbx.recordings.filter((r) => r.entryId === e.entryId).map((r) => r.recordingId),
      visibleAt: visibleAfter(ctx, delaySeconds),
    });
  };
}
