// Subscribing the tenant's amoCRM account to the account webhooks the rules need (amocrm-api.md §6.13, §7):
// "responsible changed" and "deal lost" are deal events MANGO's DP dialog offers but amoCRM's DP webhook
// never carries, so they come from `responsible_lead` and `status_lead` (server/rules/account-webhook.ts).
import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { recordActivity } from "@/server/activity/record";
import type { AmocrmClient, WebhookEventName } from "@/server/amocrm/api";
import { env } from "@/server/config/env";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { logger } from "@/server/log/logger";
import type { SignInOutcome } from "./signin";

export const ACCOUNT_WEBHOOK_EVENTS: readonly WebhookEventName[] = ["responsible_lead", "status_lead"];

export const accountWebhookUrl = (webhookKey: string, appUrl = env().APP_URL) =>
  `${appUrl.replace(/\/$/, "")}/api/amocrm/${webhookKey}/events`;

export type SubscribeOutcome = { ok: true; subscriptionId: number } | { ok: false; reason: string };

/**
 * `POST /api/v4/webhooks` for the tenant's events URL. The same destination updates the subscription
 * (§6.13), so this runs at every owner/admin sign-in and every demo start without piling up hooks, and
 * re-enables a hook amoCRM disabled after too many failed deliveries. A failure never blocks sign-in: it
 * is written to the journal (the owner sees why "смена ответственного" and "отмена сделки" rules stay
 * silent) and the next sign-in tries again. Only admins may subscribe; a member's token is never used.
 */
export async function subscribeAccountWebhooks(
  db: Db,
  input: {
    tenant: Pick<Tenant, "id" | "amocrmBaseUrl" | "webhookKey">;
    client?: AmocrmClient;
    appUrl?: string;
  },
): Promise<SubscribeOutcome> {
  const { tenant } = input;
  const client = input.client ?? amocrmClientFor(db, tenant);
  try {
    const sub = await client.subscribeWebhook({
      destination: accountWebhookUrl(tenant.webhookKey, input.appUrl),
      events: ACCOUNT_WEBHOOK_EVENTS,
    });
    return { ok: true, subscriptionId: sub.id };
  } catch (err) {
    const reason = `не удалось подписаться на события сделок amoCRM (смена ответственного, закрытие сделки): ${
      err instanceof Error ? err.message : String(err)
    }`;
    logger.warn({ tenantId: tenant.id, err: String(err) }, "amoCRM account webhook subscription failed");
    await recordActivity(db, {
      tenantId: tenant.id,
      source: "job",
      sourceId: crypto.randomUUID(),
      kind: "amocrm.webhooks",
      status: "failed",
      subject: "Подписка на события сделок",
      reason,
    });
    return { ok: false, reason };
  }
}

/** After an owner/admin sign-in with working tokens: (re)subscribe. A member's sign-in changes nothing. */
export async function subscribeAccountWebhooksAfterSignIn(db: Db, outcome: SignInOutcome): Promise<void> {
  if (!outcome.storedTokens || outcome.tenant.status !== "active") return;
  try {
    await subscribeAccountWebhooks(db, { tenant: outcome.tenant });
  } catch (err) {
    // Even the journal write failed: the sign-in itself succeeded and the next one tries again.
    logger.warn(
      { tenantId: outcome.tenant.id, err: String(err) },
      "account webhook subscription not recorded",
    );
  }
}
