import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Tenant, tenantSecrets, tenants } from "@/db/schema";
import { openSecretRow, type SecretKind } from "@/server/secrets/store";

/**
 * The tenant a webhook URL names, with the secrets its intake needs (MANGO's key and salt to check the
 * signature), in ONE statement: the read of the intake's two round trips (the other is its write,
 * ./inbox.ts `acceptWebhook`). Not cached: every instance would have to learn of a reconnect or rotation.
 */
export async function webhookTenantWithSecrets<K extends SecretKind>(
  db: Db,
  { webhookKey, kinds }: { webhookKey: string; kinds: readonly K[] },
): Promise<{ tenant: Tenant; secrets: Partial<Record<K, string>> } | null> {
  const rows = await db
    .select({ tenant: tenants, secret: tenantSecrets })
    .from(tenants)
    .leftJoin(
      tenantSecrets,
      and(eq(tenantSecrets.tenantId, tenants.id), inArray(tenantSecrets.kind, [...kinds])),
    )
    .where(eq(tenants.webhookKey, webhookKey));
  const first = rows[0];
  if (!first) return null;
  const secrets: Partial<Record<K, string>> = {};
  for (const { secret } of rows) if (secret) secrets[secret.kind as K] = openSecretRow(secret);
  return { tenant: first.tenant, secrets };
}
