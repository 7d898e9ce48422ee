import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, mangoConnections, tenantSecrets } from "@/db/schema";

/**
 * Disconnects the tenant's PBX: the sealed key and salt are wiped and the connection (its fingerprint with it)
 * removed, with the audit entry in the same transaction. Events MANGO still posts to our address are then
 * refused (no key to check them with), and another tenant may connect this PBX. Moving a PBX is therefore
 * two deliberate steps: disconnect here, connect there. False when nothing was connected.
 */
export async function disconnectMango(
  db: Db,
  { tenantId, actorUserId }: { tenantId: string; actorUserId: string | null },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [removed] = await t
      .delete(mangoConnections)
      .where(eq(mangoConnections.tenantId, tenantId))
      .returning({ keyHint: mangoConnections.keyHint });
    await t
      .delete(tenantSecrets)
      .where(
        and(
          eq(tenantSecrets.tenantId, tenantId),
          inArray(tenantSecrets.kind, ["mango.api_key", "mango.api_salt"]),
        ),
      );
    if (!removed) return false;
    await t.insert(auditLog).values({
      tenantId,
      actorUserId,
      action: "mango.disconnect",
      target: "mango",
      before: { keyHint: removed.keyHint },
    });
    return true;
  });
}
