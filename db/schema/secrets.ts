import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { encryptedValue, primaryId, timestamps } from "./_columns";
import { tenantRef } from "./_tenant-ref";

/** Tenant secrets (amoCRM tokens, MANGO key and salt), only ever stored sealed. */
export const tenantSecrets = pgTable(
  "tenant_secrets",
  {
    id: primaryId(),
    tenantId: tenantRef(),
    /** e.g. "amocrm.tokens", "mango.api_key", "mango.api_salt" */
    kind: text("kind").notNull(),
    ...encryptedValue(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("tenant_secrets_tenant_kind").on(t.tenantId, t.kind),
    index("tenant_secrets_key").on(t.keyId),
  ],
);
