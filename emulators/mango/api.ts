import type { IncomingMessage, ServerResponse } from "node:http";
import { ccApiHandlers, ccCallHandlers } from "./cc/calls";
import { campaignHandlers } from "./cc/campaigns";
import { taskHandlers } from "./cc/tasks";
import { callHandlers } from "./commands/calls";
import { configHandlers } from "./commands/config";
import { recordingPost } from "./commands/recording";
import { sms } from "./commands/sms";
import { statsHandlers } from "./commands/stats";
import { ApiError, type Ctx, type Handler, type Reply } from "./context";
import { isRecord, parseForm, readBody, sendEmpty, sendJson, sendText } from "./http";
import {
  CC_LIMIT,
  CC_TASK_ADD_LIMIT,
  GENERAL_LIMIT,
  type Limit,
  methodLimit,
  RATE_LIMIT_BODY,
} from "./rate-limit";
import { verifyMangoSign } from "./sign";

/**
 * The request pipeline shared by /vpbx/* and /cc/*, in the order a careful reading of the spec implies:
 * POST only (3101) → form fields present (3103) → known key (3105) → key not locked out (HTTP 401) →
 * signature over the exact json string (3102) → valid JSON object (3400/3104) → rate limits (429 / 5008; КЦ methods under /vpbx/ too) →
 * КЦ enabled (5008) → handler. Any reply carrying a 3xxx code counts towards the 2-minute lock-out.
 */

interface Route {
  handler: Handler;
  /** КЦ-dependent method: 5008 when the account has no КЦ "Открытое API". */
  cc: boolean;
}

const vpbxRoutes = new Map<string, Route>();
const ccRoutes = new Map<string, Route>();
for (const [p, h] of Object.entries({ ...callHandlers, ...configHandlers, ...statsHandlers })) {
  vpbxRoutes.set(p, { handler: h, cc: false });
}
vpbxRoutes.set("commands/sms", { handler: sms, cc: false });
vpbxRoutes.set("queries/recording/post", { handler: recordingPost, cc: false });
for (const [p, h] of Object.entries({ ...campaignHandlers, ...taskHandlers, ...ccCallHandlers })) {
  vpbxRoutes.set(p, { handler: h, cc: true });
}
for (const [p, h] of Object.entries(ccApiHandlers)) ccRoutes.set(p, { handler: h, cc: true });

export function listRoutes(): string[] {
  return [...[...vpbxRoutes.keys()].map((p) => `/vpbx/${p}`), ...[...ccRoutes.keys()].map((p) => `/cc/${p}`)];
}

function errorReply(ctx: Ctx, code: number): Reply {
  // Only literal error format in the docs: HTTP 420 Method Failure + {"code": N} (v1.10). Switchable.
  if (ctx.state.settings.errorStyle === "result") return { status: 200, json: { result: code } };
  return { status: 420, json: { code } };
}

function replyCode(r: Reply): number | null {
  if (!isRecord(r.json)) return null;
  const c = r.json.code ?? r.json.result;
  const n = typeof c === "string" ? Number(c) : c;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function write(res: ServerResponse, r: Reply): void {
  if (r.json !== undefined) {
    for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
    sendJson(res, r.status, r.json);
  } else if (r.text !== undefined) sendText(res, r.status, r.text, r.contentType);
  else sendEmpty(res, r.status, r.headers);
}

async function runPipeline(
  ctx: Ctx,
  base: "vpbx" | "cc",
  method: string,
  req: IncomingMessage,
): Promise<{ reply: Reply; key: string | null; json: string | null }> {
  const routes = base === "vpbx" ? vpbxRoutes : ccRoutes;
  const route = routes.get(method);
  if (!route) return { reply: { status: 404 }, key: null, json: null };
  if (req.method !== "POST") return { reply: errorReply(ctx, 3101), key: null, json: null };
  const form = parseForm(req.headers["content-type"], await readBody(req));
  const key = form.vpbx_api_key ?? null;
  const json = form.json ?? null;
  const now = ctx.clock.now();
  const bad = (code: number) => ({ reply: errorReply(ctx, code), key, json });
  if (key !== null && ctx.guard.isBlocked(key, now)) return { reply: { status: 401 }, key, json };
  if (!key || form.sign === undefined || json === null) return bad(3103);
  const pbx = ctx.state.byKey(key);
  if (!pbx) return bad(3105);
  if (!verifyMangoSign(key, json, pbx.salt, form.sign)) return bad(3102);
  let body: unknown;
  try {
    // An empty json field is read as "{}", which is what every client sends for parameterless queries.
    body = JSON.parse(json === "" ? "{}" : json);
  } catch {
    return bad(3400);
  }
  if (!isRecord(body)) return bad(3104);
  const failures = ctx.state.settings.faults.apiFailures;
  if (failures && failures.remaining > 0 && (!failures.paths || failures.paths.includes(method))) {
    failures.remaining -= 1;
    const status = failures.status;
    return { reply: { status, json: { result: status === 503 ? 5008 : 5000 } }, key, json };
  }
  // КЦ-dependent /vpbx/ methods count toward both the account's VPBX limit and the КЦ limit; the КЦ bucket
  // is checked first so a burst of КЦ calls is answered the КЦ way (5008).
  const buckets: Array<[string, Limit]> =
    base === "cc"
      ? [
          ["cc", CC_LIMIT],
          ...(method === "task/add" ? ([["cc:task/add", CC_TASK_ADD_LIMIT]] as Array<[string, Limit]>) : []),
        ]
      : route.cc
        ? [
            ["cc", CC_LIMIT],
            ["vpbx", GENERAL_LIMIT],
          ]
        : [["vpbx", GENERAL_LIMIT]];
  const specific = base === "vpbx" ? methodLimit(method) : undefined;
  if (specific) buckets.push([`vpbx:${method}`, specific]);
  const refused = ctx.limiter.acquire(pbx.id, buckets, now);
  if (refused !== null) {
    // КЦ limits: "processing paused" with {"result":5008}; VPBX limits: the documented 429 body.
    const reply: Reply = refused.startsWith("cc")
      ? { status: 503, json: { result: 5008 } }
      : { status: 429, json: RATE_LIMIT_BODY };
    return { reply, key, json };
  }
  if (route.cc && !pbx.ccEnabled) return { reply: { status: 200, json: { result: 5008 } }, key, json };
  try {
    return { reply: await route.handler(ctx, pbx, body), key, json };
  } catch (err) {
    if (err instanceof ApiError) return bad(err.code);
    console.error("[mango-emulator] handler failed", err);
    return { reply: { status: 500, json: { result: 5000 } }, key, json };
  }
}

/** Entry for POST /vpbx/<method> and /cc/<method>. Trailing slashes are tolerated (the spec mixes both). */
export async function handleApi(
  ctx: Ctx,
  base: "vpbx" | "cc",
  rawMethod: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = rawMethod.replace(/^\/+|\/+$/g, "");
  const { reply, key, json } = await runPipeline(ctx, base, method, req);
  const code = replyCode(reply);
  if (
    key !== null &&
    code !== null &&
    code >= 3000 &&
    code < 4000 &&
    ctx.guard.record(key, ctx.clock.now())
  ) {
    // This bad request exceeds "1 неверный запрос в 2 минуты": answered (and followed) by HTTP 401.
    reply.status = 401;
    reply.json = undefined;
  }
  ctx.log({
    at: ctx.clock.now(),
    method: req.method ?? "",
    path: `/${base}/${method}`,
    apiKey: key,
    json,
    status: reply.status,
    code,
  });
  const latency = ctx.state.settings.faults.latencyMs;
  if (latency > 0) await new Promise((r) => setTimeout(r, latency));
  write(res, reply);
}
