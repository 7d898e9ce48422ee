import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { AmocrmOAuthError, createAmocrmClient, refreshTokens, sharedRateLimiter } from "@/server/amocrm";
import { env } from "@/server/config/env";
import { getFreshAccessToken, RefreshRejectedError, saveAmocrmTokens } from "./amocrm-tokens";

/** Our amoCRM integration's credentials (the emulator's in demo mode). */
export function amocrmIntegration() {
  const e = env();
  return {
    clientId: e.AMOCRM_CLIENT_ID ?? "",
    clientSecret: e.AMOCRM_CLIENT_SECRET ?? "",
    redirectUri: `${e.APP_URL}/api/auth/callback/amocrm`,
    emulatorBase: e.isProduction ? undefined : e.AMOCRM_EMULATOR_URL,
    authorizeUrl: !e.isProduction && e.AMOCRM_EMULATOR_URL ? `${e.AMOCRM_EMULATOR_URL}/oauth` : undefined,
  };
}

/**
 * The amoCRM client of one tenant: its base URL, its tokens (refreshed once under the tenant lock), and the
 * process-wide 7 requests/second bucket of its account, shared with everything else the tenant does.
 */
export function amocrmClientFor(db: Db, tenant: Pick<Tenant, "id" | "amocrmBaseUrl">) {
  const integration = amocrmIntegration();
  const refresh = async (refreshToken: string) => {
    try {
      return await refreshTokens({ ...integration, baseUrl: tenant.amocrmBaseUrl, refreshToken });
    } catch (err) {
      if (err instanceof AmocrmOAuthError && err.kind !== "other")
        throw new RefreshRejectedError(err.message);
      throw err;
    }
  };
  return createAmocrmClient({
    baseUrl: tenant.amocrmBaseUrl,
    rateLimiter: sharedRateLimiter(tenant.amocrmBaseUrl),
    timeoutMs: env().AMOCRM_TIMEOUT_MS,
    getAccessToken: () => getFreshAccessToken(db, { tenantId: tenant.id, refresh }),
    onUnauthorized: async (staleToken) => {
      await getFreshAccessToken(db, { tenantId: tenant.id, refresh, force: true, staleToken });
    },
  });
}

export { saveAmocrmTokens };
