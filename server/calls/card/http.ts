// HTTP behaviour of the call card, kept out of app/ so integration tests drive the exact responses:
//   POST /api/widget/calls/ticket   X-Auth-Token (amoCRM's disposable token) → a one-minute stream ticket
//   GET  /api/widget/calls/stream?ticket=…   SSE: this user's cards, nobody else's
//   POST /api/widget/calls/action   X-Auth-Token, entry_id + action (contact | deal) → the card's new client
// Every step checks the user mapping too: only a user paired with a MANGO extension gets cards.
import { z } from "zod";
import type { Db } from "@/db/client";
import { mappedEmployeeOf } from "@/server/employees/queries";
import { sseResponse } from "@/server/realtime/sse";
import { readStreamTicket, STREAM_TICKET_TTL_SEC, signStreamTicket } from "@/server/realtime/ticket";
import { getTenant } from "@/server/tenancy/queries";
import type { WidgetHttpConfig } from "@/server/widget/http";
import { widgetCors } from "@/server/widget/http";
import { authenticateWidgetToken, type WidgetSession } from "@/server/widget/session";
import { createFromCard } from "./actions";
import { cardHub } from "./events";

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

export type CardHttpConfig = WidgetHttpConfig & {
  /** The stream's lifetime before the widget must re-authenticate (tests shorten it). */
  streamMaxLifetimeMs?: number;
};

type Authed = { ok: true; session: WidgetSession } | { ok: false; response: Response };

/** The disposable token and the pairing: 401 for a bad token, 403 for a user with no extension. */
async function authenticate(
  db: Db,
  req: Request,
  cfg: CardHttpConfig,
  cors: Record<string, string> | null,
): Promise<Authed> {
  const headers = { ...cors, ...NO_STORE };
  const auth = await authenticateWidgetToken(db, req.headers.get("x-auth-token"), cfg);
  if (!auth.ok)
    return { ok: false, response: Response.json({ error: auth.reason }, { status: 401, headers }) };
  const mapped = await mappedEmployeeOf(db, {
    tenantId: auth.session.tenantId,
    amoUserId: auth.session.amocrmUserId,
  });
  if (!mapped?.extension)
    return { ok: false, response: Response.json({ error: "not_mapped" }, { status: 403, headers }) };
  return { ok: true, session: auth.session };
}

/** OPTIONS and POST /api/widget/calls/ticket. */
export async function handleCardTicket(db: Db, req: Request, cfg: CardHttpConfig): Promise<Response> {
  const cors = widgetCors(req.headers.get("origin"), cfg.integration);
  if (req.method === "OPTIONS") return new Response(null, { status: cors ? 204 : 403, headers: cors ?? {} });
  const auth = await authenticate(db, req, cfg, cors);
  if (!auth.ok) return auth.response;
  const { tenantId, amocrmUserId } = auth.session;
  const ticket = await signStreamTicket(
    { tenantId, amoUserId: amocrmUserId },
    { authSecret: cfg.authSecret, ...(cfg.now ? { now: cfg.now } : {}) },
  );
  const base = cfg.appUrl.replace(/\/+$/, "");
  return Response.json(
    {
      stream: `${base}/api/widget/calls/stream?ticket=${encodeURIComponent(ticket)}`,
      expiresIn: STREAM_TICKET_TTL_SEC,
    },
    { headers: { ...cors, ...NO_STORE } },
  );
}

/** GET /api/widget/calls/stream: subscribes this ticket's tenant + user, and only them. */
export async function handleCardStream(db: Db, req: Request, cfg: CardHttpConfig): Promise<Response> {
  const cors = widgetCors(req.headers.get("origin"), cfg.integration) ?? {};
  const ticket = await readStreamTicket(new URL(req.url).searchParams.get("ticket"), cfg);
  if (!ticket)
    return Response.json({ error: "invalid_ticket" }, { status: 401, headers: { ...cors, ...NO_STORE } });
  // The pairing may have been removed since the ticket was issued.
  const mapped = await mappedEmployeeOf(db, ticket);
  if (!mapped?.extension)
    return Response.json({ error: "not_mapped" }, { status: 403, headers: { ...cors, ...NO_STORE } });
  return sseResponse(
    (sink) => {
      sink.send("ready", { extension: mapped.extension });
      return cardHub().subscribe(ticket, (card) => sink.send("card", card));
    },
    {
      signal: req.signal,
      headers: { ...cors, "referrer-policy": "no-referrer" },
      ...(cfg.streamMaxLifetimeMs ? { maxLifetimeMs: cfg.streamMaxLifetimeMs } : {}),
    },
  );
}

const actionInput = z.object({
  entry_id: z.string().min(1).max(200),
  action: z.enum(["contact", "deal"]),
});

/** The widget's $authorizedAjax sends a form body (jQuery's default); JSON is accepted too. */
async function readBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if ((req.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** OPTIONS and POST /api/widget/calls/action. */
export async function handleCardAction(
  db: Db,
  req: Request,
  cfg: CardHttpConfig,
  deps: Parameters<typeof createFromCard>[2] = {},
): Promise<Response> {
  const cors = widgetCors(req.headers.get("origin"), cfg.integration);
  if (req.method === "OPTIONS") return new Response(null, { status: cors ? 204 : 403, headers: cors ?? {} });
  const headers = { ...cors, ...NO_STORE };
  const auth = await authenticate(db, req, cfg, cors);
  if (!auth.ok) return auth.response;
  const input = actionInput.safeParse(await readBody(req));
  if (!input.success) return Response.json({ error: "bad_request" }, { status: 400, headers });
  const tenant = await getTenant(db, { tenantId: auth.session.tenantId });
  if (!tenant) return Response.json({ error: "unknown_account" }, { status: 401, headers });
  const result = await createFromCard(
    db,
    { tenant, amoUserId: auth.session.amocrmUserId, entryId: input.data.entry_id, action: input.data.action },
    deps,
  );
  // Another user's call, or one that never rang here, answers the same as a missing one.
  if (!result.ok) return Response.json({ error: result.reason }, { status: 404, headers });
  return Response.json(result, { headers });
}
