import type { Db } from "@/db/client";
import { env } from "@/server/config/env";
import { createMangoClient } from "@/server/mango/api";
import { mangoRateLimiter } from "@/server/ratebudget/mango";
import { getSecret } from "@/server/secrets/store";

export class MangoNotConnectedError extends Error {
  override name = "MangoNotConnectedError";
}

export async function mangoCredentials(db: Db, { tenantId }: { tenantId: string }) {
  const [apiKey, salt] = await Promise.all([
    getSecret(db, { tenantId, kind: "mango.api_key" }),
    getSecret(db, { tenantId, kind: "mango.api_salt" }),
  ]);
  return apiKey && salt ? { apiKey, salt } : null;
}

/**
 * The MANGO OFFICE client of one tenant, with its key and salt opened from tenant_secrets and its product's
 * request limits kept in PostgreSQL (shared by every instance).
 */
export async function mangoClientFor(
  db: Db,
  { tenantId }: { tenantId: string },
  o: {
    /** Runs after each request's wait for the rate budget, right before it is sent. */
    beforeSend?: () => Promise<void>;
  } = {},
) {
  const creds = await mangoCredentials(db, { tenantId });
  if (!creds) throw new MangoNotConnectedError("MANGO OFFICE не подключена");
  const budget = mangoRateLimiter(db, tenantId);
  const beforeSend = o.beforeSend;
  return createMangoClient({
    baseUrl: env().MANGO_API_URL,
    ...creds,
    rateLimiter: beforeSend
      ? {
          async take(limits) {
            await budget.take(limits);
            await beforeSend();
          },
        }
      : budget,
  });
}
