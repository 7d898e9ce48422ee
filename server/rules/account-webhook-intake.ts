import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import type { JobQueue } from "@/server/jobs/queue";
import { getTenantByWebhookKey } from "@/server/tenancy/queries";
import { MAX_BODY_BYTES, receiveWebhook, type WebhookSpec } from "@/server/webhooks/intake";
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
    subject: (e) =>
      e.changes
        .map(
          (c) => `сделка ${c.leadId} · ${c.kind === "responsible" ? "ответственный" : `этап ${c.statusId}`}`,
        )
        .join(", "),
    job: accountEventRulesJob,
    toJobPayload: (event, inboxId) => ({ inboxId, event }),
  };
}

/**
 * `status_lead` brings every stage move of every deal, and rules only wait for the moves to 143 (the rest
 * are the DP webhook's business). A valid body of the tenant in which no change can trigger a rule is
 * answered 200 and not stored, so the inbox and the journal are not flooded with moves nobody waits for.
 * Anything else — including garbage — goes through the shared intake (recorded, 4xx when refused).
 */
async function nothingToDo(
  req: Request,
  tenant: Pick<Tenant, "amocrmAccountId" | "amocrmSubdomain">,
): Promise<boolean> {
  // An oversized body is left to the intake, which refuses it (413) before anything parses it.
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return false;
  try {
    const raw = await req.clone().text();
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return false;
    const parsed = accountWebhookSchema.safeParse(decodeAccountWebhookBody(raw, req.headers));
    return (
      parsed.success &&
      accountWebhookBelongsTo(parsed.data, {
        amoAccountId: tenant.amocrmAccountId,
        subdomain: tenant.amocrmSubdomain,
      }) &&
      parsed.data.changes.every((c) => c.trigger === null)
    );
  } catch {
    return false;
  }
}

export async function receiveAccountWebhook(
  req: Request,
  { webhookKey }: { webhookKey: string },
  deps: { db: Db; queue: JobQueue },
): Promise<Response> {
  const tenant = await getTenantByWebhookKey(deps.db, { webhookKey });
  if (tenant && (await nothingToDo(req, tenant))) return Response.json({ status: "ignored" });
  return receiveWebhook(req, tenant, accountWebhookSpecFor(tenant), deps);
}
