// Webhook subscriptions (§6.13), widget settings via API (§4.5) and the Salesbot continue call (§3).
import { z } from "zod";
import type { ApiCtx } from "../context";
import { fail, parseOrFail } from "../errors";
import { hal, jsonBody, link, noContent, type Res } from "../http";
import { type Account, nextId, type WebhookSub, type WidgetInstall } from "../state";

const EVENTS = [
  ...["add", "update", "delete", "responsible"].flatMap((a) =>
    ["lead", "contact", "company", "customer", "task"].map((e) => `${a}_${e}`),
  ),
  "restore_lead",
  "restore_contact",
  "restore_company",
  "add_talk",
  "update_talk",
  "status_lead",
  "note_lead",
  "note_contact",
  "note_company",
  "note_customer",
] as const;

const subscribeIn = z.looseObject({
  destination: z.url(),
  settings: z.array(z.enum(EVENTS)).min(1),
  sort: z.number().int().optional(),
});

function renderHook(acc: Account, h: WebhookSub) {
  return {
    id: h.id,
    destination: h.destination,
    created_at: h.created_at,
    updated_at: h.updated_at,
    account_id: acc.id,
    created_by: h.created_by,
    sort: h.sort,
    disabled: h.disabled,
    settings: h.settings,
  };
}

export function listWebhooks(ctx: ApiCtx): Res {
  const dest = ctx.req.url.searchParams.get("filter[destination]");
  const items = ctx.acc.webhooks.filter((h) => !dest || h.destination === dest);
  if (items.length === 0) return noContent();
  return hal({
    _total_items: items.length,
    _embedded: { webhooks: items.map((h) => renderHook(ctx.acc, h)) },
  });
}

/** Same destination → update (reference §6.13); answers 201 with the subscription. */
export function subscribeWebhook(ctx: ApiCtx): Res {
  const input = parseOrFail(subscribeIn, jsonBody(ctx.req), "0");
  const now = ctx.emu.clock.nowSec();
  let h = ctx.acc.webhooks.find((x) => x.destination === input.destination);
  if (h) {
    h.settings = [...input.settings];
    h.updated_at = now;
    h.disabled = false;
  } else {
    h = {
      id: nextId(ctx.acc),
      destination: input.destination,
      created_at: now,
      updated_at: now,
      created_by: ctx.userId,
      sort: input.sort ?? ctx.acc.webhooks.length + 1,
      disabled: false,
      settings: [...input.settings],
    };
    ctx.acc.webhooks.push(h);
  }
  return hal(renderHook(ctx.acc, h), 201);
}

export function unsubscribeWebhook(ctx: ApiCtx): Res {
  const body = jsonBody(ctx.req) as { destination?: unknown };
  const before = ctx.acc.webhooks.length;
  ctx.acc.webhooks = ctx.acc.webhooks.filter((h) => h.destination !== body.destination);
  if (ctx.acc.webhooks.length === before) fail(404, "Webhook not found");
  return noContent();
}

function renderWidget(base: string, w: WidgetInstall, owner: boolean) {
  return {
    id: w.id,
    code: w.code,
    version: w.version,
    rating: "2,7",
    settings_template: w.settings_template,
    is_lead_source: false,
    is_work_with_dp: false,
    is_crm_template: false,
    client_uuid: w.client_uuid,
    is_active_in_account: w.is_active_in_account,
    pipeline_id: null,
    // settings are returned only to the widget's owner integration (reference §4.5).
    ...(owner ? { settings: w.settings } : {}),
    _links: { self: link(`${base}/api/v4/widgets/${w.code}`) },
  };
}

const isOwner = (ctx: ApiCtx, w: WidgetInstall) => w.client_uuid === null || w.client_uuid === ctx.clientId;

export function getWidget(ctx: ApiCtx): Res {
  const w = ctx.acc.widgets.find((x) => x.code === ctx.params.code);
  if (!w) return noContent();
  return hal(renderWidget(ctx.base, w, isOwner(ctx, w)));
}

export function installWidget(ctx: ApiCtx): Res {
  const w = ctx.acc.widgets.find((x) => x.code === ctx.params.code);
  if (!w) fail(404, "Widget not found");
  const body = jsonBody(ctx.req);
  if (!body || typeof body !== "object" || Array.isArray(body)) fail(400, "Settings must be an object");
  w.settings = body as Record<string, unknown>;
  w.is_active_in_account = true;
  return hal(renderWidget(ctx.base, w, true));
}

export function uninstallWidget(ctx: ApiCtx): Res {
  const w = ctx.acc.widgets.find((x) => x.code === ctx.params.code);
  if (!w) fail(404, "Widget not found");
  w.is_active_in_account = false;
  w.settings = {};
  return noContent();
}

const continueIn = z.looseObject({
  data: z.unknown().optional(),
  execute_handlers: z.array(z.unknown()).optional(),
});

/** POST /api/v4/{salesbot|marketingbot}/{bot_id}/continue/{continue_id} → 202 (reference §3). */
export function salesbotContinue(ctx: ApiCtx): Res {
  parseOrFail(continueIn, jsonBody(ctx.req), "0");
  return { status: 202 };
}
