import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { listRoutes } from "./api";
import { campaignJson } from "./cc/format";
import type { Ctx } from "./context";
import { ccTagInput, clockSchema, faultsSchema, outcomeRule, smsRule } from "./control-schemas";
import { isRecord, readBody, sendJson } from "./http";
import { runScenario } from "./scenarios";
import type { Snapshot } from "./state";
import type { CcTag, Pbx } from "./types";

/**
 * Test/demo control API under /__control/ (JSON in, JSON out). Not part of MANGO: it is how tests seed,
 * time-travel, inject faults and script calls. Everything here acts on the same in-memory state the
 * MANGO-facing API uses.
 */

export interface ControlOptions {
  snapshotFile?: string;
}

type Json = Record<string, unknown>;
type ControlHandler = (
  ctx: Ctx,
  body: Json,
  params: string[],
  query: URLSearchParams,
) => unknown | Promise<unknown>;

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function pbxOf(ctx: Ctx, id: unknown): Pbx {
  const pbx = ctx.state.byId(typeof id === "string" ? id : "demo");
  if (!pbx) throw new ControlError(404, `unknown pbx ${String(id)}`);
  return pbx;
}

function makeRoutes(opts: ControlOptions): Array<[string, RegExp, ControlHandler]> {
  const file = (body: Json) => {
    const f = typeof body.file === "string" ? body.file : opts.snapshotFile;
    if (!f) throw new ControlError(400, "no snapshot file given (body.file or snapshotFile option)");
    return f;
  };
  return [
    ["GET", /^health$/, (ctx) => ({ ok: true, url: ctx.baseUrl, clock: ctx.clock.state() })],
    ["GET", /^routes$/, () => ({ routes: listRoutes() })],
    [
      "POST",
      /^reset$/,
      (ctx) => {
        ctx.reset();
        return { ok: true };
      },
    ],
    ["GET", /^state$/, (ctx) => ctx.state.snapshot(ctx.clock.now())],
    [
      "POST",
      /^snapshot$/,
      async (ctx, body) => {
        const f = file(body);
        await ctx.state.saveTo(f, ctx.clock.now());
        return { ok: true, file: f };
      },
    ],
    [
      "POST",
      /^load$/,
      async (ctx, body) => {
        ctx.engine.clear();
        ctx.clock.clearTasks();
        if (isRecord(body.snapshot)) ctx.state.load(body.snapshot as unknown as Snapshot);
        else await ctx.state.loadFrom(file(body));
        return { ok: true };
      },
    ],
    ["GET", /^clock$/, (ctx) => ctx.clock.state()],
    [
      "POST",
      /^clock$/,
      (ctx, body) => {
        const c = clockSchema.parse(body);
        if (c.freeze !== undefined) ctx.clock.freeze(c.freeze);
        if (c.speed !== undefined) ctx.clock.setSpeed(c.speed);
        if (c.set !== undefined) ctx.clock.set(typeof c.set === "number" ? c.set : Date.parse(c.set));
        if (c.advance !== undefined) ctx.clock.advance(c.advance);
        if (c.flush) ctx.clock.flush();
        return ctx.clock.state();
      },
    ],
    ["GET", /^faults$/, (ctx) => ctx.state.settings.faults],
    [
      "POST",
      /^faults$/,
      (ctx, body) => {
        Object.assign(ctx.state.settings.faults, faultsSchema.parse(body));
        return ctx.state.settings.faults;
      },
    ],
    [
      "POST",
      /^delivery$/,
      (ctx, body) => {
        const d = z
          .object({
            timeoutMs: z.number().positive().optional(),
            retryDelaysMs: z.array(z.number().nonnegative()).optional(),
          })
          .parse(body);
        Object.assign(ctx.state.settings.delivery, d);
        return ctx.state.settings.delivery;
      },
    ],
    ["GET", /^task-limits$/, (ctx) => ctx.state.settings.taskLimits],
    [
      "POST",
      /^task-limits$/,
      (ctx, body) => {
        const limit = z.number().int().nonnegative().nullable().optional();
        Object.assign(
          ctx.state.settings.taskLimits,
          z.object({ activePerCampaign: limit, activeTotal: limit }).parse(body),
        );
        return ctx.state.settings.taskLimits;
      },
    ],
    [
      "POST",
      /^error-style$/,
      (ctx, body) => {
        ctx.state.settings.errorStyle = z
          .object({ errorStyle: z.enum(["legacy420", "result"]) })
          .parse(body).errorStyle;
        return { errorStyle: ctx.state.settings.errorStyle };
      },
    ],
    [
      "GET",
      /^requests$/,
      (ctx, _b, _p, q) => ({ requests: ctx.requestLog.filter((r) => r.id > Number(q.get("since") ?? 0)) }),
    ],
    [
      "DELETE",
      /^requests$/,
      (ctx) => {
        ctx.requestLog = [];
        return { ok: true };
      },
    ],
    [
      "GET",
      /^deliveries$/,
      async (ctx, _b, _p, q) => {
        if (q.get("wait") === "1") await ctx.delivery.idle();
        const path = q.get("path");
        return { deliveries: ctx.delivery.log.filter((d) => !path || d.path === path) };
      },
    ],
    [
      "DELETE",
      /^deliveries$/,
      (ctx) => {
        ctx.delivery.clear();
        return { ok: true };
      },
    ],
    [
      "GET",
      /^webhook$/,
      (ctx, _b, _p, q) => ({
        pbx: pbxOf(ctx, q.get("pbx") ?? "demo").id,
        url: pbxOf(ctx, q.get("pbx") ?? "demo").eventsBaseUrl,
      }),
    ],
    [
      "POST",
      /^webhook$/,
      (ctx, body) => {
        const b = z.object({ pbx: z.string().default("demo"), url: z.url() }).parse(body);
        const pbx = pbxOf(ctx, b.pbx);
        pbx.eventsBaseUrl = b.url;
        return { pbx: pbx.id, url: pbx.eventsBaseUrl };
      },
    ],
    ["POST", /^scenarios$/, (ctx, body) => runScenario(ctx, body)],
    [
      "POST",
      /^callback-outcomes$/,
      (ctx, body) => {
        ctx.state.settings.callbackRules.push(outcomeRule.parse(body));
        return { rules: ctx.state.settings.callbackRules };
      },
    ],
    [
      "DELETE",
      /^callback-outcomes$/,
      (ctx) => {
        ctx.state.settings.callbackRules = [];
        return { rules: [] };
      },
    ],
    [
      "POST",
      /^sms-outcomes$/,
      (ctx, body) => {
        ctx.state.settings.smsRules.push(smsRule.parse(body));
        return { rules: ctx.state.settings.smsRules };
      },
    ],
    [
      "DELETE",
      /^sms-outcomes$/,
      (ctx) => {
        ctx.state.settings.smsRules = [];
        return { rules: [] };
      },
    ],
    [
      "GET",
      /^campaigns$/,
      (ctx, _b, _p, q) => ({ campaigns: pbxOf(ctx, q.get("pbx") ?? "demo").campaigns.map(campaignJson) }),
    ],
    [
      "POST",
      /^campaigns\/(\d+)$/,
      (ctx, body, [id]) => {
        const pbx = pbxOf(ctx, body.pbx);
        const c = pbx.campaigns.find((x) => x.campaign_id === Number(id));
        if (!c) throw new ControlError(404, `campaign ${id} not found`);
        const patch = z
          .object({
            status: z.number().int().min(0).max(6).optional(),
            status_reason: z.number().int().nullable().optional(),
            endless: z.boolean().optional(),
            name: z.string().optional(),
          })
          .parse(body);
        Object.assign(c, patch);
        if (patch.status === 4 && c.completed === null) c.completed = ctx.clock.nowSeconds();
        return campaignJson(c);
      },
    ],
    [
      "GET",
      /^campaigns\/(\d+)\/tasks$/,
      (ctx, _b, [id], q) => ({
        tasks: pbxOf(ctx, q.get("pbx") ?? "demo").tasks.filter((t) => t.campaignId === Number(id)),
      }),
    ],
    [
      "POST",
      /^cc\/calls\/([^/]+)$/,
      (ctx, body, [entryId]) => {
        const pbx = pbxOf(ctx, body.pbx);
        const rec = pbx.ccCalls.find((r) => r.entryId === decodeURIComponent(entryId ?? ""));
        if (!rec) throw new ControlError(404, "no КЦ data for this entry_id");
        const b = z
          .object({ tag_ids: z.array(z.number().int()).optional(), comment: z.string().optional() })
          .parse(body);
        if (b.tag_ids) rec.tagIds = b.tag_ids;
        if (b.comment !== undefined) rec.comments.push(b.comment);
        rec.visibleAt = Math.min(rec.visibleAt, ctx.clock.now());
        return rec;
      },
    ],
    ["GET", /^pbx\/([^/]+)\/tags$/, (ctx, _b, [id]) => ({ tags: pbxOf(ctx, id).tags })],
    [
      "POST",
      /^pbx\/([^/]+)\/tags$/,
      (ctx, body, [id]) => {
        // Upsert by id (a renamed topic keeps its id); `replace: true` swaps the whole tree.
        const pbx = pbxOf(ctx, id);
        const b = z.object({ tags: z.array(ccTagInput), replace: z.boolean().default(false) }).parse(body);
        if (b.replace) pbx.tags = [];
        for (const t of b.tags) {
          const tag: CcTag = {
            id: t.id,
            parent: t.parent,
            name: t.name,
            category: t.category,
            groups: t.groups,
            campaigns: t.campaigns,
            is_folder: t.is_folder ? 1 : 0,
          };
          const at = pbx.tags.findIndex((x) => x.id === t.id);
          if (at >= 0) pbx.tags[at] = tag;
          else pbx.tags.push(tag);
        }
        return { tags: pbx.tags };
      },
    ],
    [
      "DELETE",
      /^pbx\/([^/]+)\/tags\/(\d+)$/,
      (ctx, _b, [id, tagId]) => {
        const pbx = pbxOf(ctx, id);
        const before = pbx.tags.length;
        pbx.tags = pbx.tags.filter((t) => t.id !== Number(tagId));
        if (pbx.tags.length === before) throw new ControlError(404, `tag ${tagId} not found`);
        return { tags: pbx.tags };
      },
    ],
    [
      "POST",
      /^employees\/([^/]+)$/,
      (ctx, body, [ext]) => {
        const pbx = pbxOf(ctx, body.pbx);
        const e = pbx.employees.find((x) => x.extension === ext);
        if (!e) throw new ControlError(404, `extension ${ext} not found`);
        e.busy = z.object({ busy: z.boolean() }).parse(body).busy;
        return { extension: e.extension, busy: e.busy };
      },
    ],
  ];
}

export function createControl(opts: ControlOptions) {
  const routes = makeRoutes(opts);
  return async (
    ctx: Ctx,
    sub: string,
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> => {
    const path = sub.replace(/^\/+|\/+$/g, "");
    try {
      for (const [method, re, handler] of routes) {
        const m = re.exec(path);
        if (!m || req.method !== method) continue;
        const raw = req.method === "GET" ? "" : (await readBody(req)).toString("utf8");
        const body: unknown = raw.trim() === "" ? {} : JSON.parse(raw);
        if (!isRecord(body)) throw new ControlError(400, "JSON object expected");
        sendJson(res, 200, await handler(ctx, body, m.slice(1), query));
        return;
      }
      sendJson(res, 404, { error: `no control route ${req.method} /__control/${path}` });
    } catch (err) {
      const status = err instanceof ControlError ? err.status : 400;
      const message =
        err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
      sendJson(res, status, { error: message });
    }
  };
}
