// amoCRM's uninstall ("disconnect") hook, the domain half (route: app/api/amocrm/uninstall/route.ts).
// amoCRM calls it when an admin switches our integration off in the account; by then our tokens are already
// revoked on amoCRM's side, so the honest state is "disconnected" until an owner/admin signs in again.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tenantSecrets, tenants } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { verifyDisconnectHook } from "@/server/amocrm";
import { logger } from "@/server/log/logger";
import { recordRejectedWebhook, storeAcceptedWebhook } from "@/server/webhooks/inbox";

export type UninstallResult =
  | { status: 401; body: { ok: false; error: string } }
  | { status: 200; body: { ok: true; tenant: boolean } };

/**
 * Verifies the hook's signature (HMAC of our client id and the account id with our secret). A forged call is
 * answered 401 and recorded as rejected without a tenant — the account id in it is not a secret, so a forger
 * must not be able to write into a tenant's journal either. A valid call wipes the tenant's amoCRM tokens
 * (only those: the MANGO key and salt stay, for a reconnect), marks it disconnected — which pauses its
 * background work, both job drivers skip tenants that are not active — and writes a journal entry, all in
 * one transaction.
 */
export async function receiveAmocrmUninstall(
  db: Db,
  {
    params,
    integration,
  }: { params: URLSearchParams; integration: { clientId: string; clientSecret: string } },
): Promise<UninstallResult> {
  const verified = verifyDisconnectHook(params, integration);
  const payload = { account_id: params.get("account_id"), client_uuid: params.get("client_uuid") };
  if (!verified) {
    await recordRejectedWebhook(db, {
      tenantId: null,
      provider: "amocrm",
      kind: "uninstall",
      reason: "неверная подпись запроса отключения интеграции",
      raw: JSON.stringify(payload),
    });
    return { status: 401, body: { ok: false, error: "invalid signature" } };
  }
  const found = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [tenant] = await t
      .select()
      .from(tenants)
      .where(eq(tenants.amocrmAccountId, verified.accountId))
      .for("update");
    if (!tenant) return false;
    await t
      .delete(tenantSecrets)
      .where(and(eq(tenantSecrets.tenantId, tenant.id), eq(tenantSecrets.kind, "amocrm.tokens")));
    await t
      .update(tenants)
      .set({ status: "disconnected", updatedAt: new Date() })
      .where(eq(tenants.id, tenant.id));
    // amoCRM sends no event id: every valid call is its own event (a repeat changes nothing but is logged).
    const { row } = await storeAcceptedWebhook(t, {
      tenantId: tenant.id,
      provider: "amocrm",
      kind: "uninstall",
      eventKey: `uninstall:${crypto.randomUUID()}`,
      payload,
      subject: tenant.name,
    });
    await recordActivity(t, {
      tenantId: tenant.id,
      source: "webhook",
      sourceId: row.id,
      kind: "amocrm.uninstall",
      status: "done",
      reason: "интеграция отключена в amoCRM: токены удалены, фоновая работа остановлена",
    });
    return true;
  });
  // A valid hook for an account we never had (or already forgot): nothing to do, and nobody to tell.
  if (!found) logger.info({ accountId: verified.accountId }, "amoCRM uninstall for an unknown account");
  return { status: 200, body: { ok: true, tenant: found } };
}
