import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tenantSecrets } from "@/db/schema";
import { type Keyring, open, seal } from "@/server/crypto/envelope";
import { appKeyring } from "@/server/crypto/keyring";

export type SecretKind = "amocrm.tokens" | "mango.api_key" | "mango.api_salt";

const context = (tenantId: string, kind: SecretKind) => `tenant:${tenantId}:${kind}`;

/** Seals and stores (or replaces) one secret of a tenant. */
export async function putSecret(
  db: Db,
  { tenantId, kind, value }: { tenantId: string; kind: SecretKind; value: string },
  keyring: Keyring = appKeyring(),
): Promise<void> {
  const sealed = seal(keyring, value, context(tenantId, kind));
  await db
    .insert(tenantSecrets)
    .values({ tenantId, kind, ...sealed })
    .onConflictDoUpdate({ target: [tenantSecrets.tenantId, tenantSecrets.kind], set: sealed });
}

export async function getSecret(
  db: Db,
  { tenantId, kind }: { tenantId: string; kind: SecretKind },
  keyring: Keyring = appKeyring(),
): Promise<string | null> {
  const [row] = await db
    .select()
    .from(tenantSecrets)
    .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.kind, kind)));
  return row ? open(keyring, row, context(tenantId, kind)) : null;
}

/** Opens a `tenant_secrets` row read by another query (e.g. joined to its tenant in one statement). */
export function openSecretRow(
  row: { tenantId: string; kind: string; ciphertext: string; keyId: string },
  keyring: Keyring = appKeyring(),
): string {
  return open(keyring, row, context(row.tenantId, row.kind as SecretKind));
}

export async function deleteSecrets(db: Db, { tenantId }: { tenantId: string }): Promise<void> {
  await db.delete(tenantSecrets).where(eq(tenantSecrets.tenantId, tenantId));
}
