// amoCRM's uninstall ("disconnect") hook, the domain half (route: app/api/amocrm/uninstall/route.ts).
// amoCRM calls it when an admin switches our integration off in the account; by then our tokens are already
// revoked on amoCRM's side, so the honest state is "disconnected" until an owner/admin signs in again.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tenantSecrets, tenants } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import { AmocrmApiError, createAmocrmClient, verifyDisconnectHook } from "@/server/amocrm";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { readAmocrmTokens, TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { logger } from "@/server/log/logger";
import { amocrmRateLimiter } from "@/server/ratebudget/amocrm";
import { recordRejectedWebhook, storeAcceptedWebhook } from "@/server/webhooks/inbox";

export type UninstallResult =
  | { status: 401 | 409 | 503; body: { ok: false; error: string } }
  | { status: 200; body: { ok: true; tenant: boolean } };

/**
 * Is our integration really gone from the account? amoCRM sends the hook after revoking our tokens, so the
 * account must refuse them now (a refused refresh counts too). The hook carries no timestamp and its
 * signature is the same for every hook of an account, so a captured URL can be replayed at any time: this
 * check is what tells a replay (amoCRM still accepts us: reconnected since) from a real disconnection.
 * No transaction is held while amoCRM answers.
 */
async function integrationGone(
  db: Db,
  tenant: { id: string; amocrmBaseUrl: string },
): Promise<"gone" | "alive" | "unknown"> {
  const tokens = await readAmocrmTokens(db, { tenantId: tenant.id });
  if (!tokens) return "gone";
  // A live access token is asked as it is (a refresh would only add a "reconnect needed" entry); an expired
  // one goes through the tenant's client, whose refresh amoCRM refuses once the integration is gone.
  const client =
    tokens.expiresAt > Date.now() + 60_000
      ? createAmocrmClient({
          baseUrl: tenant.amocrmBaseUrl,
          rateLimiter: amocrmRateLimiter(db, tenant.amocrmBaseUrl),
          getAccessToken: async () => tokens.accessToken,
        })
      : amocrmClientFor(db, tenant);
  try {
    await client.getAccount();
    return "alive";
  } catch (err) {
    if (err instanceof TenantNeedsReconnectError) return "gone";
    if (err instanceof AmocrmApiError && (err.status === 401 || err.status === 403)) return "gone";
    logger.warn({ tenantId: tenant.id, err: String(err) }, "amoCRM uninstall: could not ask amoCRM");
    return "unknown";
  }
}

/**
 * Verifies the hook's signature (HMAC of our client id and the account id with our secret). A forged call is
 * answered 401 and recorded as rejected without a tenant — the account id in it is not a secret, so a forger
 * must not be able to write into a tenant's journal either. A valid call for a connected tenant is first
 * confirmed with amoCRM (`integrationGone`): a replay after a reconnect is answered 409 and recorded, an
 * unanswered check 503, and nothing changes. A confirmed call wipes the tenant's amoCRM tokens
 * (only those: the MANGO key and salt stay, for a reconnect), marks it disconnected — which pauses its
 * background work, both job drivers skip tenants that are not active — and writes a journal entry, all in
 * one transaction.
 */
export async function receiveAmocrmUninstall(
  db: Db,
  {
    params,
    integration,
    address,
  }: {
    params: URLSearchParams;
    integration: { clientId: string; clientSecret: string };
    /** The sender's client address: rejections are recorded at a bounded rate per sender. */
    address?: string;
  },
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
      address,
    });
    return { status: 401, body: { ok: false, error: "invalid signature" } };
  }
  const [known] = await db.select().from(tenants).where(eq(tenants.amocrmAccountId, verified.accountId));
  if (known && known.status !== "disconnected") {
    const state = await integrationGone(db, known);
    if (state !== "gone") {
      const reason =
        state === "alive"
          ? "запрос отключения интеграции отклонён: amoCRM по-прежнему принимает наш доступ (повтор старого запроса?)"
          : "запрос отключения интеграции не выполнен: amoCRM не ответила на проверку, повторите позже";
      await recordRejectedWebhook(db, {
        tenantId: known.id,
        provider: "amocrm",
        kind: "uninstall",
        reason,
        raw: JSON.stringify(payload),
        address,
      });
      return state === "alive"
        ? { status: 409, body: { ok: false, error: "integration still installed" } }
        : { status: 503, body: { ok: false, error: "could not verify with amoCRM" } };
    }
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
