import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { AmocrmOAuthError, createAmocrmClient, refreshTokens } from "@/server/amocrm";
import { env } from "@/server/config/env";
import { amocrmRateLimiter } from "@/server/ratebudget/amocrm";
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
 * 7 requests/second budget of its account kept in PostgreSQL, shared with every instance and job driver.
 * The budget's one statement per request commits on its own, on the process's side pool when `db` is a
 * transaction (server/ratebudget/, db/client.ts `outsideTransaction`).
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
    rateLimiter: amocrmRateLimiter(db, tenant.amocrmBaseUrl),
    timeoutMs: env().AMOCRM_TIMEOUT_MS,
    getAccessToken: () => getFreshAccessToken(db, { tenantId: tenant.id, refresh }),
    onUnauthorized: async (staleToken) => {
      await getFreshAccessToken(db, { tenantId: tenant.id, refresh, force: true, staleToken });
    },
  });
}

export { saveAmocrmTokens };
