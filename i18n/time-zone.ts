import { unstable_rethrow } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { DEFAULT_TIME_ZONE, timeZoneOr } from "@/lib/account-time";
import { getSessionIdentity } from "@/server/auth/session";
import { getTenant } from "@/server/tenancy/queries";

/**
 * The time zone dates are shown in: the signed-in tenant's amoCRM account zone (tenants.time_zone), Moscow
 * without a tenant. next-intl hands it to every formatter, on the server and in the browser.
 */
export const requestTimeZone = cache(async (): Promise<string> => {
  try {
    const identity = await getSessionIdentity();
    if (!identity?.tenantId) return DEFAULT_TIME_ZONE;
    const tenant = await getTenant(await getDb(), { tenantId: identity.tenantId });
    return timeZoneOr(tenant?.timeZone);
  } catch (err) {
    unstable_rethrow(err); // Next's own signals (dynamic rendering, redirects) are not failures
    // Without a database or a readable session: dates still render, in Moscow time.
    return DEFAULT_TIME_ZONE;
  }
});
