// amoCRM OAuth 2.0 (reference §2): consent URL, code → tokens, single-use refresh, account lookup, and the
// host allow-list. The account host arrives in the redirect's `referer` (user-controlled), and we send our
// client_secret there: it must be an amoCRM host (or the configured emulator), never an arbitrary one.
import { decodeJwt } from "jose";
import { AmocrmOAuthError, parseProblem } from "./errors";
import { accountSubdomainSchema, tokenResponseSchema } from "./types";

export const AMOCRM_AUTHORIZE_URL = "https://www.amocrm.ru/oauth";
export const KOMMO_AUTHORIZE_URL = "https://www.kommo.com/oauth";

/** `expiresAt` in epoch ms, the shape server/connections/amocrm-tokens.ts stores. */
export type TokenPair = { accessToken: string; refreshToken: string; expiresAt: number };
export type HostOptions = {
  /** The emulator's base URL (e.g. `http://127.0.0.1:4010`), accepted besides amoCRM's own hosts. */
  emulatorBase?: string;
};
type FetchOptions = HostOptions & { fetch?: typeof fetch; now?: () => number };

const AMO_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.(?:amocrm\.ru|amocrm\.com|kommo\.com)$/;

/** Only `<label>.amocrm.ru`, `<label>.amocrm.com`, `<label>.kommo.com` (no port), or the emulator's host. */
export function isAllowedAmocrmHost(host: string, opts: HostOptions = {}): boolean {
  const h = host.trim().toLowerCase();
  if (opts.emulatorBase && h === new URL(opts.emulatorBase).host.toLowerCase()) return true;
  return AMO_HOST.test(h);
}

/** A base URL we may send tokens and secrets to: https on an amoCRM host, or under the emulator base. */
export function isAllowedAmocrmBaseUrl(baseUrl: string, opts: HostOptions = {}): boolean {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return false;
  }
  if (u.username || u.password || u.search || u.hash) return false;
  if (opts.emulatorBase) {
    const emu = new URL(opts.emulatorBase);
    if (u.protocol === emu.protocol && u.host === emu.host)
      return /^\/a\/[a-z0-9-]+\/?$|^\/?$/.test(u.pathname);
  }
  return (
    u.protocol === "https:" &&
    u.port === "" &&
    (u.pathname === "/" || u.pathname === "") &&
    AMO_HOST.test(u.hostname)
  );
}

function assertAllowed(baseUrl: string, opts: HostOptions): string {
  if (!isAllowedAmocrmBaseUrl(baseUrl, opts)) {
    throw new AmocrmOAuthError("other", 0, null, `refusing to talk to a non-amoCRM host: ${baseUrl}`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/**
 * The account base URL from the redirect's `referer` ("subdomain.amocrm.ru"; the emulator sends
 * "127.0.0.1:<port>/a/<sub>"). Null when it is not an amoCRM account host.
 */
export function accountBaseUrlFromReferer(referer: string, opts: HostOptions = {}): string | null {
  const r = referer
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/+$/, "");
  if (opts.emulatorBase) {
    const emu = new URL(opts.emulatorBase);
    const m = /^([^/]+)\/a\/([a-z0-9-]+)$/i.exec(r);
    if (m && m[1]?.toLowerCase() === emu.host.toLowerCase()) return `${emu.origin}/a/${m[2]?.toLowerCase()}`;
  }
  const host = r.toLowerCase();
  return AMO_HOST.test(host) && !host.startsWith("www.") ? `https://${host}` : null;
}

/** The "install" consent URL; `mode=post_message` keeps the redirect inside the popup (reference §2.2). */
export function buildAuthorizeUrl(p: {
  clientId: string;
  state: string;
  mode?: "popup" | "post_message";
  /** Default https://www.amocrm.ru/oauth; Kommo or `${emulator}/oauth` otherwise. */
  authorizeUrl?: string;
}): string {
  const url = new URL(p.authorizeUrl ?? AMOCRM_AUTHORIZE_URL);
  url.searchParams.set("client_id", p.clientId);
  url.searchParams.set("state", p.state);
  url.searchParams.set("mode", p.mode ?? "post_message");
  return url.toString();
}

type Client = { baseUrl: string; clientId: string; clientSecret: string; redirectUri: string };

export function exchangeCode(p: Client & { code: string } & FetchOptions): Promise<TokenPair> {
  return tokenRequest(p, { grant_type: "authorization_code", code: p.code });
}

/** The old refresh token dies on success: the caller must store the new pair before anything else. */
export function refreshTokens(p: Client & { refreshToken: string } & FetchOptions): Promise<TokenPair> {
  return tokenRequest(p, { grant_type: "refresh_token", refresh_token: p.refreshToken });
}

// Not retried: a retried refresh whose first attempt did reach amoCRM would spend the single-use token twice.
async function tokenRequest(p: Client & FetchOptions, grant: Record<string, string>): Promise<TokenPair> {
  const base = assertAllowed(p.baseUrl, p);
  const now = p.now ?? Date.now;
  let res: Response;
  try {
    res = await (p.fetch ?? fetch)(`${base}/oauth2/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_id: p.clientId,
        client_secret: p.clientSecret,
        redirect_uri: p.redirectUri,
        ...grant,
      }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    throw new AmocrmOAuthError("other", 0, null, `amoCRM token endpoint unreachable: ${String(cause)}`);
  }
  const text = await res.text();
  if (!res.ok) throw oauthError(res.status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success)
    throw new AmocrmOAuthError("other", res.status, null, "amoCRM token response is malformed");
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    // Our clock, not server_time: expiry is later compared with our clock.
    expiresAt: now() + parsed.data.expires_in * 1000,
  };
}

/**
 * Classifies by `hint` (reference §2.12): a dead code or refresh token means the tenant must reconnect;
 * a rejected client means our configuration is wrong. All come as 400 OAuthProblemJson.
 */
function oauthError(status: number, text: string): AmocrmOAuthError {
  const p = parseProblem(text);
  const hint = p.hint ?? p.detail;
  const h = (p.hint ?? "").toLowerCase();
  let kind: "invalid_grant" | "invalid_client" | "other" = "other";
  if (status >= 400 && status < 500) {
    if (/authorization code|refresh token|grant/.test(h)) kind = "invalid_grant";
    else if (/client|redirect/.test(h)) kind = "invalid_client";
    else if (status === 401) kind = "invalid_client";
  }
  return new AmocrmOAuthError(kind, status, p.hint, `amoCRM OAuth ${status}: ${hint ?? p.title ?? "error"}`);
}

/** `api_domain` claim of an access token (tokens since 21.08.2024), e.g. "api-b.amocrm.ru"; null if absent. */
export function apiDomainOf(accessToken: string): string | null {
  try {
    const claims = decodeJwt(accessToken);
    return typeof claims.api_domain === "string" ? claims.api_domain : null;
  } catch {
    return null;
  }
}

export type AccountSubdomain = {
  id: number;
  subdomain: string;
  domain: string;
  topLevelDomain: string | null;
};

/**
 * Which account a refresh token belongs to: `GET https://{api_domain}/oauth2/account/current/subdomain` with
 * `X-Refresh-Token` (reference §2.8). `apiBaseUrl` is `https://<api_domain>` (or the emulator base).
 */
export async function getAccountSubdomain(
  p: { apiBaseUrl: string; refreshToken: string } & FetchOptions,
): Promise<AccountSubdomain> {
  const base = assertAllowed(p.apiBaseUrl, p);
  let res: Response;
  try {
    res = await (p.fetch ?? fetch)(`${base}/oauth2/account/current/subdomain`, {
      headers: { "x-refresh-token": p.refreshToken, accept: "application/json" },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    throw new AmocrmOAuthError("other", 0, null, `amoCRM subdomain lookup unreachable: ${String(cause)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const kind = res.status === 401 ? "invalid_grant" : "other";
    throw new AmocrmOAuthError(kind, res.status, null, `amoCRM subdomain lookup → ${res.status}`);
  }
  const parsed = accountSubdomainSchema.safeParse(safeJson(text));
  if (!parsed.success)
    throw new AmocrmOAuthError("other", res.status, null, "amoCRM subdomain answer is malformed");
  const d = parsed.data;
  return { id: d.id, subdomain: d.subdomain, domain: d.domain, topLevelDomain: d.top_level_domain ?? null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
