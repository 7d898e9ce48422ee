// Requests amoCRM (or its widget in the browser) makes to us, authenticated with our integration secret:
// the disposable widget token (X-Auth-Token, reference §3) and the uninstall ("disconnect") hook (§2.11).
import { createHmac, timingSafeEqual } from "node:crypto";
import { errors as joseErrors, jwtVerify } from "jose";
import { isAllowedAmocrmHost } from "./oauth";
import { widgetTokenClaimsSchema } from "./types";

export type WidgetTokenFailure = "invalid_signature" | "expired" | "invalid_audience" | "invalid_claims";

export class WidgetTokenError extends Error {
  override name = "WidgetTokenError";
  constructor(
    readonly reason: WidgetTokenFailure,
    message: string,
  ) {
    super(message);
  }
}

export type WidgetIdentity = {
  accountId: number;
  userId: number;
  subdomain: string | null;
  /** `is_admin` is not in the official claim table (reference §3): false when absent. */
  isAdmin: boolean;
  /** Token id: the caller may refuse a second use (anti-replay needs storage, which this layer has not). */
  jti: string | null;
  /** Account URL from `iss`, e.g. https://subdomain.amocrm.ru. */
  issuer: string;
  expiresAt: Date;
};

/**
 * Verifies an `X-Auth-Token` the widget sends: HS256 only, signed with our client secret, `aud` = origin of
 * our redirect URI, not expired (60 s leeway, as the PHP SDK's LooseValidAt), `client_uuid` = our client id,
 * and `iss` an amoCRM account host (or the emulator) — so a token minted for another integration or
 * pointing at another host is refused.
 */
export async function verifyWidgetToken(
  token: string,
  p: {
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    emulatorBase?: string;
    clockToleranceSec?: number;
    /** For tests: the current time. */
    now?: Date;
  },
): Promise<WidgetIdentity> {
  let payload: unknown;
  try {
    const res = await jwtVerify(token, new TextEncoder().encode(p.clientSecret), {
      algorithms: ["HS256"],
      audience: new URL(p.redirectUri).origin,
      clockTolerance: p.clockToleranceSec ?? 60,
      requiredClaims: ["exp", "iss", "aud"],
      ...(p.now ? { currentDate: p.now } : {}),
    });
    payload = res.payload;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new WidgetTokenError("expired", "widget token expired");
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === "aud") {
      throw new WidgetTokenError("invalid_audience", "widget token is for another integration host");
    }
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      throw new WidgetTokenError("invalid_claims", `widget token claim ${e.claim} invalid`);
    }
    throw new WidgetTokenError("invalid_signature", "widget token signature or format invalid");
  }
  const claims = widgetTokenClaimsSchema.safeParse(payload);
  if (!claims.success)
    throw new WidgetTokenError("invalid_claims", "widget token lacks account_id/user_id/client_uuid");
  const c = claims.data;
  if (c.client_uuid !== p.clientId)
    throw new WidgetTokenError("invalid_claims", "widget token of another integration");
  let issHost: string;
  try {
    issHost = new URL(c.iss).host;
  } catch {
    throw new WidgetTokenError("invalid_claims", "widget token issuer is not a URL");
  }
  if (!isAllowedAmocrmHost(issHost, { emulatorBase: p.emulatorBase })) {
    throw new WidgetTokenError("invalid_claims", "widget token issuer is not an amoCRM account");
  }
  return {
    accountId: c.account_id,
    userId: c.user_id,
    subdomain: c.subdomain ?? null,
    isAdmin: c.is_admin ?? false,
    jti: c.jti ?? null,
    issuer: c.iss,
    expiresAt: new Date(c.exp * 1000),
  };
}

/**
 * The uninstall hook: GET `?account_id&client_uuid&signature` with
 * signature = hex(HMAC-SHA256(client_secret, "{client_id}|{account_id}")) — as the official PHP check does it,
 * with OUR client id (after checking `client_uuid` equals it). Returns the account id, or null when forged.
 */
export function verifyDisconnectHook(
  params: URLSearchParams | Record<string, string | undefined>,
  p: { clientId: string; clientSecret: string },
): { accountId: number } | null {
  const get = (k: string) => (params instanceof URLSearchParams ? params.get(k) : params[k]) ?? "";
  const clientUuid = get("client_uuid");
  const signature = get("signature").toLowerCase();
  const accountId = Number.parseInt(get("account_id"), 10);
  if (!clientUuid || !signature || !Number.isSafeInteger(accountId) || accountId <= 0) return null;
  if (clientUuid !== p.clientId) return null;
  const expected = createHmac("sha256", p.clientSecret).update(`${p.clientId}|${accountId}`).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? { accountId } : null;
}
