import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { getTenantByWebhookKey } from "@/server/tenancy/queries";
import { receiveWebhook, type WebhookSpec } from "@/server/webhooks/intake";
import {
  type DpTriggerEvent,
  decodeDpWebhookBody,
  dpEventBelongsTo,
  dpInboxKey,
  dpWebhookSchema,
} from "./dp-webhook";
import { type EvaluateRulesPayload, evaluateRulesJob } from "./jobs";

/**
 * `POST /api/amocrm/<tenant webhook key>/dp`: the widget's digital-pipeline webhook.
 *
 * amoCRM signs nothing here (the reference documents no signature, no secret and no header for DP
 * webhooks), so `verify` has nothing to check. What can be checked is done: the URL carries the tenant's
 * unguessable webhook key (unknown key → 404), and the account in the body (`account_id`, else the
 * subdomain) must be the tenant's — a mismatch is rejected 400 and recorded in the inbox with the reason.
 * The body only names the deal: the job reads the deal from amoCRM with the tenant's own token and confirms
 * the trigger there before any rule acts (dp-confirm.ts), so a forged body for a deal that did not just
 * enter the stage sends nothing; the idempotency keys keep a real one from sending anything twice.
 */
export function dpWebhookSpecFor(
  tenant: Pick<Tenant, "amocrmAccountId" | "amocrmSubdomain"> | null,
): WebhookSpec<DpTriggerEvent, EvaluateRulesPayload> {
  const account = {
    amoAccountId: tenant?.amocrmAccountId ?? -1,
    subdomain: tenant?.amocrmSubdomain ?? null,
  };
  return {
    provider: "amocrm",
    kind: "dp",
    verify: () => true,
    decode: (raw, headers) => decodeDpWebhookBody(raw, headers),
    schema: dpWebhookSchema.refine((e) => dpEventBelongsTo(e, account), {
      message: "the account in the body is not this tenant's amoCRM account",
      path: ["account_id"],
    }),
    eventKey: dpInboxKey,
    subject: (e) => `сделка ${e.leadId} · этап ${e.statusId}`,
    subjectKey: (e) => `lead:${e.leadId}@${dpInboxKey(e)}`,
    job: evaluateRulesJob,
    toJobPayload: (event, inboxId) => ({ inboxId, event }),
  };
}

export async function receiveDpWebhook(
  req: Request,
  { webhookKey }: { webhookKey: string },
  deps: { db: Db; queue: JobQueue },
): Promise<Response> {
  const tenant = await getTenantByWebhookKey(deps.db, { webhookKey });
  return receiveWebhook(req, tenant, dpWebhookSpecFor(tenant), deps);
}
