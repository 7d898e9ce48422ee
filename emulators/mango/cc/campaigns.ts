import { type Handler, int, ok, resultReply, str } from "../context";
import { isRecord } from "../http";
import type { Campaign } from "../types";
import { campaignJson, taskGetJson } from "./format";

/**
 * КЦ outbound campaigns ("ИО", SPEC §4.6) — they live under /vpbx/ with the same key/sign as the VPBX API.
 * Statuses: 0 остановлена, 1 запланирована, 2 в работе, 3 останавливается, 4 завершена, 5 обрабатывается,
 * 6 удаляется. A completed campaign (4) cannot be restarted and accepts no tasks (5106).
 */

export const CAMPAIGN_STATUS_FORBIDS = 5106;

const list: Handler = (_ctx, pbx) => ok({ result: 1000, campaigns: pbx.campaigns.map(campaignJson) });

const info: Handler = (_ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const c = pbx.campaigns.find((x) => x.campaign_id === id);
  if (!c) return resultReply(3300);
  const out: Record<string, unknown> = { result: 1000, campaign: campaignJson(c) };
  if (body.need_tasks === true || body.need_tasks === 1 || body.need_tasks === "1") {
    out.tasks = pbx.tasks.filter((t) => t.campaignId === id && t.status !== 6).map(taskGetJson);
  }
  return ok(out);
};

const start: Handler = (ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const c = pbx.campaigns.find((x) => x.campaign_id === id);
  if (!c) return resultReply(3300);
  if (c.status === 4 || c.status === 6) return resultReply(CAMPAIGN_STATUS_FORBIDS);
  // Like the documented example: start answers 1 (запланирована); the campaign turns 2 (в работе) shortly after.
  c.status = 1;
  c.status_reason = 1;
  ctx.clock.schedule(ctx.clock.now() + 2000, () => {
    if (c.status === 1) c.status = 2;
  });
  return ok({ result: 1000, status: 1 });
};

const stop: Handler = (_ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const c = pbx.campaigns.find((x) => x.campaign_id === id);
  if (!c) return resultReply(3300);
  if (c.status === 4 || c.status === 6) return resultReply(CAMPAIGN_STATUS_FORBIDS);
  c.status = 0;
  c.status_reason = 1;
  return ok({ result: 1000, status: 0 });
};

const add: Handler = (ctx, pbx, body) => {
  const lineId = int(body, "line_id", true);
  const name = str(body, "name", true);
  const schedule = body.schedule;
  if (!Array.isArray(schedule) || schedule.length === 0 || !schedule.every(isRecord))
    return resultReply(3103);
  if (!pbx.lines.some((l) => l.lineId === lineId)) return resultReply(3300);
  if (name.length > 70) return resultReply(3109);
  const now = ctx.clock.nowSeconds();
  const creator = pbx.employees[0];
  const c: Campaign = {
    campaign_id: ctx.state.nextCampaignId(),
    line_id: lineId,
    created_by: {
      user_id: creator?.userId ?? 0,
      name: creator?.name ?? "",
      extension: creator?.extension ?? "",
    },
    name,
    start: now,
    end: now + 86400 * 30,
    status: 0,
    priority: int(body, "priority") ?? 2,
    members: Array.isArray(body.operators) ? body.operators.map(String) : [],
    redial_busy: 3,
    redial_no_answer: 3,
    redial_not_avail: 3,
    timer_busy: 900,
    timer_no_answer: 1800,
    timer_not_avail: 1800,
    answer_wait: 30,
    add_calls_coef: 1,
    dial_mode: int(body, "dial_mode") ?? 3,
    call_processing: 30,
    status_reason: 1,
    schema_id: null,
    created: now,
    sip_trunk_id_operator: null,
    sip_trunk_id_client: null,
    service_type: int(body, "service_type") ?? 8,
    tasks_count: 0,
    finished_tasks_count: 0,
    completed: null,
    endless: body.endless === true || body.endless === 1 || body.endless === "true",
  };
  pbx.campaigns.push(c);
  return ok({ result: 1000, campaign_id: c.campaign_id });
};

const remove: Handler = (_ctx, pbx, body) => {
  const id = int(body, "campaign_id", true);
  const idx = pbx.campaigns.findIndex((x) => x.campaign_id === id);
  if (idx < 0) return resultReply(3300);
  if (pbx.campaigns[idx]?.status === 2) return resultReply(CAMPAIGN_STATUS_FORBIDS);
  pbx.campaigns.splice(idx, 1);
  pbx.tasks = pbx.tasks.filter((t) => t.campaignId !== id);
  return ok({ result: 1000 });
};

export const campaignHandlers: Record<string, Handler> = {
  "campaign/list": list,
  campaign: info,
  "campaign/start": start,
  "campaign/stop": stop,
  "campaign/add": add,
  "campaign/delete": remove,
};
