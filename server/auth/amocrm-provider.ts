// "Войти через amoCRM": a custom OAuth provider for next-auth v4. amoCRM is not a standard OAuth server:
// the token endpoint lives on the account's own domain, which only the callback's `referer` names. So the
// provider runs the token request itself (state check, referer allow-list, code exchange) and hands the
// identity to server/onboarding/signin.ts; it holds no domain logic.
import { timingSafeEqual } from "node:crypto";
import type { TokenSet, User } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getDb } from "@/db";
import {
  accountBaseUrlFromReferer,
  buildAuthorizeUrl,
  createAmocrmClient,
  exchangeCode,
  type RateLimiter,
  sharedRateLimiter,
  toUser,
} from "@/server/amocrm";
import { userSchema } from "@/server/amocrm/types";
import { amocrmIntegration } from "@/server/connections/amocrm";
import { subscribeAccountWebhooksAfterSignIn } from "@/server/onboarding/account-webhooks";
import { type AmocrmIdentity, signInWithAmocrm, syncDirectoryAfterSignIn } from "@/server/onboarding/signin";
import { amocrmRateLimiter } from "@/server/ratebudget/amocrm";

export const AMOCRM_PROVIDER_ID = "amocrm";

/** What the session is built from: our user id as `id`, plus the tenant they signed in to. */
export type AmocrmSignedInUser = User & { id: string; tenantId: string };

/** The provider exists only when our integration's credentials are configured. */
export function amocrmSignInConfigured(): boolean {
  const i = amocrmIntegration();
  return Boolean(i.clientId && i.clientSecret);
}

/** Thrown on a refused callback; next-auth turns any error here into /login?error=OAuthCallback. */
export class AmocrmSignInRefused extends Error {
  override name = "AmocrmSignInRefused";
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Exchanges the callback's code on the account's own domain. Refuses a state that does not match the
 * cookie (next-auth leaves that check to a custom token request) and a referer outside amoCRM/Kommo (or
 * the configured emulator outside production): the client secret must never reach an arbitrary host.
 */
export async function exchangeCallback(
  params: Record<string, unknown>,
  expectedState: string | undefined,
): Promise<{ baseUrl: string; tokens: AmocrmIdentity["tokens"] }> {
  const integration = amocrmIntegration();
  const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : "");
  if (!expectedState || !sameString(str("state"), expectedState))
    throw new AmocrmSignInRefused("state mismatch");
  const baseUrl = accountBaseUrlFromReferer(str("referer"), { emulatorBase: integration.emulatorBase });
  if (!baseUrl) throw new AmocrmSignInRefused(`referer is not an amoCRM account: ${str("referer")}`);
  if (!str("code")) throw new AmocrmSignInRefused("no authorization code");
  const tokens = await exchangeCode({ ...integration, baseUrl, code: str("code") });
  return { baseUrl, tokens };
}

/**
 * Reads who signed in (account + user) with their own fresh token. The app passes the account's budget in
 * PostgreSQL (`amocrmRateLimiter`); without one the process's own limiter paces the two requests.
 */
export async function readAmocrmIdentity(
  baseUrl: string,
  tokens: AmocrmIdentity["tokens"],
  rateLimiter: RateLimiter = sharedRateLimiter(baseUrl),
): Promise<AmocrmIdentity> {
  const client = createAmocrmClient({
    baseUrl,
    rateLimiter,
    getAccessToken: () => tokens.accessToken,
  });
  const account = await client.getAccount();
  // /api/v4/users/{id} is admin-only (reference §6.2); amoCRM only lets admins grant consent, but if the
  // read is refused anyway the person still signs in (under the name we know, or a neutral one).
  const raw = await client.http
    .request("GET", `/api/v4/users/${account.currentUserId}`, userSchema)
    .catch(() => null);
  const user = raw ? toUser(raw) : null;
  return {
    account: {
      id: account.id,
      subdomain: account.subdomain,
      name: account.name,
      timeZone: account.timezone,
    },
    baseUrl,
    user: {
      id: account.currentUserId,
      name: user?.name ?? null,
      email: user?.email ?? null,
    },
    tokens,
  };
}

/** Tokens carried from the token request to userinfo inside next-auth's TokenSet (never into the JWT). */
type CarriedTokens = TokenSet & { amocrm_base_url?: string; amocrm_expires_at_ms?: number };

/**
 * `callbackReferer`: the `referer` of the request being handled. next-auth hands the token request only the
 * standard OAuth callback parameters (openid-client drops the rest), so the route passes it in.
 */
export function amocrmProvider(
  opts: { callbackReferer?: string | null } = {},
): OAuthConfig<AmocrmSignedInUser> {
  const integration = amocrmIntegration();
  // The consent URL is exactly buildAuthorizeUrl's; next-auth adds its own `state`, and the OpenID defaults
  // openid-client would add (scope, response_type, redirect_uri) are dropped: amoCRM takes none of them.
  const template = new URL(
    buildAuthorizeUrl({ clientId: integration.clientId, state: "", authorizeUrl: integration.authorizeUrl }),
  );
  template.searchParams.delete("state");
  return {
    id: AMOCRM_PROVIDER_ID,
    name: "amoCRM",
    type: "oauth",
    checks: ["state"],
    clientId: integration.clientId,
    clientSecret: integration.clientSecret,
    authorization: {
      url: `${template.origin}${template.pathname}`,
      params: {
        ...Object.fromEntries(template.searchParams),
        scope: null,
        response_type: null,
        redirect_uri: null,
      } as unknown as Record<string, string>,
    },
    token: {
      async request({ params, checks }) {
        const { baseUrl, tokens } = await exchangeCallback(
          { ...params, referer: opts.callbackReferer ?? "" },
          checks.state,
        );
        const carried: CarriedTokens = {
          access_token: tokens.accessToken,
          refresh_token: tokens.refreshToken,
          token_type: "Bearer",
          amocrm_base_url: baseUrl,
          amocrm_expires_at_ms: tokens.expiresAt,
        };
        return { tokens: carried };
      },
    },
    userinfo: {
      async request({ tokens }) {
        const t = tokens as CarriedTokens;
        const db = await getDb();
        const baseUrl = t.amocrm_base_url ?? "";
        const identity = await readAmocrmIdentity(
          baseUrl,
          {
            accessToken: t.access_token ?? "",
            refreshToken: t.refresh_token ?? "",
            expiresAt: t.amocrm_expires_at_ms ?? 0,
          },
          amocrmRateLimiter(db, baseUrl),
        );
        const outcome = await signInWithAmocrm(db, identity);
        await syncDirectoryAfterSignIn(db, outcome);
        await subscribeAccountWebhooksAfterSignIn(db, outcome);
        return {
          id: outcome.user.id,
          name: outcome.user.name,
          email: outcome.user.email ?? undefined,
          tenantId: outcome.tenant.id,
        };
      },
    },
    profile: (profile) => profile,
  };
}
