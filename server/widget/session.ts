// Authentication of the widget's iframe pages. amoCRM's disposable token (reference §3) is checked once, by
// POST/GET /api/widget/session; it is then exchanged for Amango's own short-lived session cookie, scoped to
// /widget, that the pages read. Pages never see or trust the amoCRM token itself.
import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Db } from "@/db/client";
import { verifyWidgetToken, WidgetTokenError, type WidgetTokenFailure } from "@/server/amocrm/widget-auth";
import { getTenantByAmocrmAccount, markWidgetInstalled } from "./queries";

export const WIDGET_COOKIE = "amango_widget";
export const WIDGET_COOKIE_PATH = "/widget";
/** As long as amoCRM's own token lives (exp − iat = 1800 s in the reference). */
export const WIDGET_SESSION_TTL_SEC = 30 * 60;
export const WIDGET_PAGES = ["settings", "dp"] as const;
export type WidgetPage = (typeof WIDGET_PAGES)[number];

export type WidgetIntegration = {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  emulatorBase?: string;
};

export type WidgetSession = { tenantId: string; accountId: number; amocrmUserId: number };

const sessionClaims = z.object({
  tid: z.uuid(),
  acc: z.number().int(),
  sub: z.string().regex(/^\d+$/),
});

/** A key of its own for widget sessions, derived from AUTH_SECRET, so a portal JWT is never one of ours. */
function sessionKey(authSecret: string): Uint8Array {
  return new Uint8Array(
    createHash("sha256").update("amango:widget-session:v1\0").update(authSecret).digest(),
  );
}

export async function signWidgetSession(
  s: WidgetSession,
  { authSecret, now = new Date() }: { authSecret: string; now?: Date },
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ tid: s.tenantId, acc: s.accountId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(s.amocrmUserId))
    .setAudience("amango:widget")
    .setIssuedAt(iat)
    .setExpirationTime(iat + WIDGET_SESSION_TTL_SEC)
    .sign(sessionKey(authSecret));
}

/** The session of a cookie value, or null when missing, forged or expired. */
export async function readWidgetSession(
  cookie: string | undefined,
  { authSecret, now }: { authSecret: string; now?: Date },
): Promise<WidgetSession | null> {
  if (!cookie) return null;
  try {
    const { payload } = await jwtVerify(cookie, sessionKey(authSecret), {
      algorithms: ["HS256"],
      audience: "amango:widget",
      ...(now ? { currentDate: now } : {}),
    });
    const c = sessionClaims.parse(payload);
    return { tenantId: c.tid, accountId: c.acc, amocrmUserId: Number(c.sub) };
  } catch {
    return null;
  }
}

export type WidgetAuthFailure = WidgetTokenFailure | "missing_token" | "unknown_account";

export type WidgetAuthResult =
  | { ok: true; session: WidgetSession; tenantName: string }
  | { ok: false; reason: WidgetAuthFailure };

/**
 * Checks an amoCRM disposable token and finds its tenant: HS256 with our client secret, our audience and
 * client id, not expired, an amoCRM issuer, and an account that is one of our tenants.
 */
export async function authenticateWidgetToken(
  db: Db,
  token: string | null | undefined,
  { integration, now }: { integration: WidgetIntegration; now?: Date },
): Promise<WidgetAuthResult> {
  if (!token) return { ok: false, reason: "missing_token" };
  if (!integration.clientId || !integration.clientSecret) return { ok: false, reason: "invalid_signature" };
  try {
    const id = await verifyWidgetToken(token, { ...integration, ...(now ? { now } : {}) });
    const tenant = await getTenantByAmocrmAccount(db, { accountId: id.accountId });
    if (!tenant) return { ok: false, reason: "unknown_account" };
    return {
      ok: true,
      session: { tenantId: tenant.id, accountId: id.accountId, amocrmUserId: id.userId },
      tenantName: tenant.name,
    };
  } catch (e) {
    if (e instanceof WidgetTokenError) return { ok: false, reason: e.reason };
    throw e;
  }
}

export type WidgetEntry = {
  token: string | null;
  area: string | null;
  pipelineId?: string | null;
  statusId?: string | null;
};

export type WidgetEntryResult =
  | { ok: true; cookie: string; location: string; session: WidgetSession }
  | { ok: false; status: 400 | 401; reason: WidgetAuthFailure | "bad_area" };

/**
 * The iframe's entry: validates the token, marks the widget installed when its settings area opened, and
 * answers where to go (`/widget/<area>`, with the stage for the DP area) and the session cookie to set.
 */
export async function enterWidget(
  db: Db,
  entry: WidgetEntry,
  cfg: { integration: WidgetIntegration; authSecret: string; now?: Date },
): Promise<WidgetEntryResult> {
  const area = WIDGET_PAGES.find((a) => a === entry.area);
  if (!area) return { ok: false, status: 400, reason: "bad_area" };
  const auth = await authenticateWidgetToken(db, entry.token, cfg);
  if (!auth.ok) return { ok: false, status: 401, reason: auth.reason };
  const now = cfg.now ?? new Date();
  if (area === "settings") await markWidgetInstalled(db, { tenantId: auth.session.tenantId, at: now });
  const query = new URLSearchParams();
  if (area === "dp") {
    // Only digits pass: these end up in the page, and amoCRM ids are integers.
    if (entry.pipelineId && /^\d{1,12}$/.test(entry.pipelineId)) query.set("pipeline_id", entry.pipelineId);
    if (entry.statusId && /^\d{1,12}$/.test(entry.statusId)) query.set("status_id", entry.statusId);
  }
  const qs = query.toString();
  return {
    ok: true,
    cookie: await signWidgetSession(auth.session, { authSecret: cfg.authSecret, now }),
    location: `${WIDGET_COOKIE_PATH}/${area}${qs ? `?${qs}` : ""}`,
    session: auth.session,
  };
}

/**
 * The cookie's attributes. The iframe runs inside amoCRM's page, a third-party context in production:
 * over https it must be `SameSite=None; Secure`, and `Partitioned` (CHIPS) keeps it working where
 * third-party cookies are blocked. Over plain http (development, the e2e stand-in on 127.0.0.1, same site)
 * browsers refuse `SameSite=None` without Secure, so Lax.
 */
export function widgetCookieHeader(value: string, { secure }: { secure: boolean }): string {
  const attrs = [
    `${WIDGET_COOKIE}=${value}`,
    `Path=${WIDGET_COOKIE_PATH}`,
    `Max-Age=${WIDGET_SESSION_TTL_SEC}`,
    "HttpOnly",
    ...(secure ? ["Secure", "SameSite=None", "Partitioned"] : ["SameSite=Lax"]),
  ];
  return attrs.join("; ");
}
