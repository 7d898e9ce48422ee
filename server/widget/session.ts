// Authentication of the widget's iframe pages, without cookies: inside amoCRM the iframe is a third-party
// context (another site), where browsers may send no cookie at all. amoCRM's disposable token (reference §3)
// reaches the page in its URL fragment (never sent to a server, never logged) and the page exchanges it once
// (POST /widget/api/session) for Amango's own short-lived session token, which it keeps in memory and sends
// as `Authorization: Bearer` on every call. Pages never trust the amoCRM token itself.
import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Db } from "@/db/client";
import { verifyWidgetToken, WidgetTokenError, type WidgetTokenFailure } from "@/server/amocrm/widget-auth";
import { consumeWidgetToken, getTenantByAmocrmAccount, markWidgetInstalled } from "./queries";

/** As long as amoCRM's own token lives (exp − iat = 1800 s in the reference). */
export const WIDGET_SESSION_TTL_SEC = 30 * 60;
/** The audience of our session tokens: a portal JWT or an SSE ticket is never one. */
export const WIDGET_SESSION_AUDIENCE = "amango:widget";
export const WIDGET_PAGES = ["settings", "dp"] as const;
export type WidgetPage = (typeof WIDGET_PAGES)[number];
/** verifyWidgetToken's leeway: a spent token is remembered until it could no longer pass anyway. */
const TOKEN_LEEWAY_MS = 60_000;

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
    .setAudience(WIDGET_SESSION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + WIDGET_SESSION_TTL_SEC)
    .sign(sessionKey(authSecret));
}

/** The session of a session token, or null when missing, forged, expired or not ours. */
export async function readWidgetSession(
  token: string | null | undefined,
  { authSecret, now }: { authSecret: string; now?: Date },
): Promise<WidgetSession | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, sessionKey(authSecret), {
      algorithms: ["HS256"],
      audience: WIDGET_SESSION_AUDIENCE,
      ...(now ? { currentDate: now } : {}),
    });
    const c = sessionClaims.parse(payload);
    return { tenantId: c.tid, accountId: c.acc, amocrmUserId: Number(c.sub) };
  } catch {
    return null;
  }
}

export type WidgetAuthFailure = WidgetTokenFailure | "missing_token" | "unknown_account" | "replayed";

export type WidgetAuthResult =
  | {
      ok: true;
      session: WidgetSession;
      tenantName: string;
      /** amoCRM's token id and expiry, for spending the token once. */
      token: { jti: string | null; expiresAt: Date };
    }
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
      token: { jti: id.jti, expiresAt: id.expiresAt },
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
  | { ok: true; location: string }
  | { ok: false; status: 400 | 401; reason: WidgetAuthFailure | "bad_area" };

/**
 * The iframe's entry (the widget's form POST, or `?token=`): checks the token and sends the frame to
 * `/widget/<area>` (with the stage for the DP area) carrying the token in the fragment, which the browser
 * keeps out of requests, logs and Referer. Nothing is spent or recorded here: the page exchanges the token.
 */
export async function enterWidget(
  db: Db,
  entry: WidgetEntry,
  cfg: { integration: WidgetIntegration; now?: Date },
): Promise<WidgetEntryResult> {
  const area = WIDGET_PAGES.find((a) => a === entry.area);
  if (!area) return { ok: false, status: 400, reason: "bad_area" };
  const auth = await authenticateWidgetToken(db, entry.token, cfg);
  if (!auth.ok) return { ok: false, status: 401, reason: auth.reason };
  const query = new URLSearchParams();
  if (area === "dp") {
    // Only digits pass: these end up in the page, and amoCRM ids are integers.
    if (entry.pipelineId && /^\d{1,12}$/.test(entry.pipelineId)) query.set("pipeline_id", entry.pipelineId);
    if (entry.statusId && /^\d{1,12}$/.test(entry.statusId)) query.set("status_id", entry.statusId);
  }
  const qs = query.toString();
  const fragment = new URLSearchParams({ token: entry.token ?? "" });
  return { ok: true, location: `/widget/${area}${qs ? `?${qs}` : ""}#${fragment}` };
}

export type WidgetExchangeResult =
  | { ok: true; sessionToken: string; expiresAt: Date; session: WidgetSession }
  | { ok: false; reason: WidgetAuthFailure };

/**
 * The page's exchange: amoCRM's disposable token (checked again, and spent — a second exchange of the same
 * `jti` is refused) for Amango's session token. This is the moment a widget page really authenticated, so
 * the onboarding checklist's "widget installed" is recorded here.
 */
export async function exchangeWidgetToken(
  db: Db,
  token: string | null | undefined,
  cfg: { integration: WidgetIntegration; authSecret: string; now?: Date },
): Promise<WidgetExchangeResult> {
  const auth = await authenticateWidgetToken(db, token, cfg);
  if (!auth.ok) return auth;
  const now = cfg.now ?? new Date();
  const { tenantId } = auth.session;
  if (auth.token.jti) {
    const expiresAt = new Date(auth.token.expiresAt.getTime() + TOKEN_LEEWAY_MS);
    if (!(await consumeWidgetToken(db, { tenantId, jti: auth.token.jti, expiresAt, now })))
      return { ok: false, reason: "replayed" };
  }
  await markWidgetInstalled(db, { tenantId, at: now });
  return {
    ok: true,
    sessionToken: await signWidgetSession(auth.session, { authSecret: cfg.authSecret, now }),
    expiresAt: new Date(now.getTime() + WIDGET_SESSION_TTL_SEC * 1000),
    session: auth.session,
  };
}
