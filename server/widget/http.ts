// HTTP behaviour of the widget endpoints, kept here (not in app/) so integration tests drive the exact
// responses on a real database: the launch call the widget makes with $authorizedAjax, and the iframe's entry.
import { z } from "zod";
import type { Db } from "@/db/client";
import { isLocale, LOCALE_COOKIE } from "@/i18n/config";
import en from "@/messages/en/widget.json";
import ru from "@/messages/ru/widget.json";
import { isAllowedAmocrmHost } from "@/server/amocrm/oauth";
import {
  authenticateWidgetToken,
  enterWidget,
  exchangeWidgetToken,
  WIDGET_PAGES,
  type WidgetAuthFailure,
  type WidgetIntegration,
} from "./session";
import { checkWidgetPageRequest } from "./trpc-session";

export type WidgetHttpConfig = {
  integration: WidgetIntegration;
  authSecret: string;
  /** Public base URL of the portal (APP_URL): where the iframe goes, and our own origin. */
  appUrl: string;
  now?: Date;
};

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

/**
 * CORS for calls from amoCRM's page: only an amoCRM account origin (https, or the configured emulator) is
 * echoed back. `$authorizedAjax` sends a custom header, so the browser asks first (OPTIONS).
 */
export function widgetCors(
  origin: string | null,
  integration: WidgetIntegration,
): Record<string, string> | null {
  if (!origin) return null;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return null;
  }
  const viaEmulator =
    Boolean(integration.emulatorBase) && u.origin === new URL(integration.emulatorBase!).origin;
  if (!viaEmulator && (u.protocol !== "https:" || !isAllowedAmocrmHost(u.host))) return null;
  return {
    "access-control-allow-origin": u.origin,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "X-Auth-Token, Content-Type",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/** OPTIONS and POST /api/widget/launch. */
export async function handleWidgetLaunch(db: Db, req: Request, cfg: WidgetHttpConfig): Promise<Response> {
  const cors = widgetCors(req.headers.get("origin"), cfg.integration);
  if (req.method === "OPTIONS") return new Response(null, { status: cors ? 204 : 403, headers: cors ?? {} });
  const token = req.headers.get("x-auth-token");
  const auth = await authenticateWidgetToken(db, token, cfg);
  // An account that is not a tenant yet still gets the iframe: the entry page tells it how to connect.
  if (!auth.ok && auth.reason !== "unknown_account") {
    return Response.json({ error: auth.reason }, { status: 401, headers: { ...cors, ...NO_STORE } });
  }
  return Response.json(
    { action: `${cfg.appUrl.replace(/\/+$/, "")}/api/widget/session`, token },
    { headers: { ...cors, ...NO_STORE } },
  );
}

/**
 * GET (query) or POST (form) /api/widget/session: the iframe's entry. 303 to the page with the token in the
 * fragment (the page exchanges it), or 401 with why. No cookie: inside amoCRM it may never come back.
 */
export async function handleWidgetEntry(db: Db, req: Request, cfg: WidgetHttpConfig): Promise<Response> {
  let params: URLSearchParams;
  if (req.method === "POST") {
    try {
      params = new URLSearchParams(await req.text());
    } catch {
      params = new URLSearchParams();
    }
  } else {
    params = new URL(req.url).searchParams;
  }
  const result = await enterWidget(
    db,
    {
      token: params.get("token"),
      area: params.get("area"),
      pipelineId: params.get("pipeline_id"),
      statusId: params.get("status_id"),
    },
    cfg,
  );
  if (!result.ok) return widgetErrorPage(req, result.status, result.reason, cfg.appUrl);
  return new Response(null, { status: 303, headers: { location: result.location, ...NO_STORE } });
}

const exchangeBody = z.object({ token: z.string().min(1).max(8192), area: z.enum(WIDGET_PAGES) });

/**
 * POST /widget/api/session (JSON `{ token, area }`), called by the widget page itself: amoCRM's disposable
 * token for Amango's session token `{ session, expiresAt }`. Only our own pages may call (the same checks
 * as the widget tRPC endpoint: custom header, same-origin fetch, our Origin); 401 `{ error }` otherwise.
 */
export async function handleWidgetExchange(db: Db, req: Request, cfg: WidgetHttpConfig): Promise<Response> {
  const refusal = checkWidgetPageRequest(req, cfg);
  if (refusal) return Response.json({ error: refusal }, { status: 403, headers: NO_STORE });
  const body = exchangeBody.safeParse(await req.json().catch(() => null));
  if (!body.success) return Response.json({ error: "bad_request" }, { status: 400, headers: NO_STORE });
  const result = await exchangeWidgetToken(db, body.data.token, cfg);
  if (!result.ok) return Response.json({ error: result.reason }, { status: 401, headers: NO_STORE });
  return Response.json(
    { session: result.sessionToken, expiresAt: result.expiresAt.toISOString() },
    { headers: NO_STORE },
  );
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function localeOf(req: Request) {
  const m = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]+)`).exec(req.headers.get("cookie") ?? "");
  return isLocale(m?.[1]) ? m[1] : "ru";
}

// Imported, not read from disk at run time: the bundler then traces two small files, not the project.
const ERROR_TEXTS = { ru: ru.widget.error, en: en.widget.error };

/**
 * A plain page, not a React one: it is answered by a route handler, with the status code the browser (and
 * tests) see. It names no tenant: nothing about an account is shown before the token is accepted.
 */
export function widgetErrorPage(
  req: Request,
  status: number,
  reason: WidgetAuthFailure | "bad_area",
  appUrl: string,
): Response {
  const locale = localeOf(req);
  const t = ERROR_TEXTS[locale];
  const text =
    reason === "expired"
      ? t.expired
      : reason === "unknown_account"
        ? t.unknownAccount
        : reason === "bad_area"
          ? t.badArea
          : t.invalid;
  const login =
    reason === "unknown_account"
      ? `<p><a href="${escapeHtml(appUrl)}/login" target="_blank" rel="noopener noreferrer">${escapeHtml(t.login)}</a></p>`
      : "";
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;color:#1f2937}h1{font-size:16px}p{font-size:14px}</style></head>
<body><h1>${escapeHtml(t.title)}</h1><p data-reason="${reason}">${escapeHtml(text)}</p>${login}</body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", ...NO_STORE },
  });
}
