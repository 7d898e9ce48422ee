import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { getTenantByWebhookKey } from "@/server/tenancy/queries";
import { receiveWebhook, type WebhookSpec } from "@/server/webhooks/intake";
import {
  type AccountWebhookEvent,
  accountWebhookBelongsTo,
  accountWebhookInboxKey,
  accountWebhookSchema,
  decodeAccountWebhookBody,
} from "./account-webhook";
import { type AccountEventPayload, accountEventRulesJob } from "./jobs";

/**
 * `POST /api/amocrm/<tenant webhook key>/events`: amoCRM's account webhooks (`responsible_lead`,
 * `status_lead`), subscribed when the account is connected (server/onboarding/account-webhooks.ts).
 *
 * amoCRM signs nothing here: the reference documents no signature, secret or header for account webhooks
 * (§7), so `verify` has nothing to check. What can be checked is done: the URL carries the tenant's
 * unguessable webhook key (unknown key → 404), and the account in the body (`account[id]`, else a deal's
 * `account_id`, else `account[subdomain]`) must be the tenant's — a mismatch is rejected 400 and recorded.
 * The body only names deals: the job reads them from amoCRM with the tenant's token, and the idempotency
 * keys keep a forged or repeated body from sending anything twice.
 */
export function accountWebhookSpecFor(
  tenant: Pick<Tenant, "amocrmAccountId" | "amocrmSubdomain"> | null,
): WebhookSpec<AccountWebhookEvent, AccountEventPayload> {
  const account = {
    amoAccountId: tenant?.amocrmAccountId ?? -1,
    subdomain: tenant?.amocrmSubdomain ?? null,
  };
  return {
    provider: "amocrm",
    kind: "events",
    verify: () => true,
    decode: (raw, headers) => decodeAccountWebhookBody(raw, headers),
    schema: accountWebhookSchema.refine((e) => accountWebhookBelongsTo(e, account), {
      message: "the account in the body is not this tenant's amoCRM account",
      path: ["account"],
    }),
    eventKey: accountWebhookInboxKey,
    subjectKey: (e) => `lead:${e.changes[0]?.leadId ?? 0}@${accountWebhookInboxKey(e)}`,
    subject: (e) =>
      e.changes
        .map(
          (c) => `сделка ${c.leadId} · ${c.kind === "responsible" ? "ответственный" : `этап ${c.statusId}`}`,
        )
        .join(", "),
    // `status_lead` brings every stage move of every deal; rules only wait for moves to 143 (the rest are
    // the DP webhook's business): a body in which no change can trigger a rule is not stored.
    ignore: (e) => (e.changes.every((c) => c.trigger === null) ? "no rule waits for these changes" : null),
    job: accountEventRulesJob,
    toJobPayload: (event, inboxId) => ({ inboxId, event }),
  };
}

export async function receiveAccountWebhook(
  req: Request,
  { webhookKey }: { webhookKey: string },
  deps: { db: Db; queue: JobQueue },
): Promise<Response> {
  const tenant = await getTenantByWebhookKey(deps.db, { webhookKey });
  return receiveWebhook(req, tenant, accountWebhookSpecFor(tenant), deps);
}
