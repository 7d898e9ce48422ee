import { z } from "zod";
import type { RuleTrigger } from "@/lib/domain/rules/schema";
import { STATUS_LOST } from "@/server/amocrm/transform";
import { parseBracketForm } from "./bracket-form";
import type { DealEvent } from "./snapshot";

/**
 * amoCRM's account webhooks (amocrm-api.md §7), subscribed at onboarding with `responsible_lead` and
 * `status_lead` (§6.13): the source of the two deal events MANGO's DP dialog offers that the DP webhook
 * never carries — "смена ответственного" and "отмена сделки" (schema.ts RULE_TRIGGERS). Form-encoded,
 * bracket keys, every scalar a string: `leads[responsible][0][id]=…`, `leads[status][0][old_status_id]=…`,
 * and an `account` block (`account[subdomain]`, `account[id]`; the 2018 capture has only the subdomain).
 * One body may carry several deals; the payload carries ids only — the job reads each deal itself.
 */
export type AccountDealChange = {
  /** `responsible`: the responsible changed; `status`: the deal moved (the job only acts on 143). */
  kind: "responsible" | "status";
  leadId: number;
  pipelineId: number;
  /** The deal's stage after the change. */
  statusId: number;
  /** `status` only: the stage the deal left. */
  oldStatusId: number | null;
  responsibleUserId: number | null;
  /** `last_modified`, unix seconds: the same in a redelivery, newer in a later change. */
  lastModified: number;
  /** The rule trigger it is, or null when no rule waits for it (a move to any stage but 143). */
  trigger: RuleTrigger | null;
};

export type AccountWebhookEvent = {
  accountId: number | null;
  subdomain: string | null;
  changes: AccountDealChange[];
};

const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const int = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

const leadFields = z.object({
  id,
  status_id: id,
  pipeline_id: id,
  old_status_id: id.optional(),
  responsible_user_id: id.optional(),
  last_modified: int,
  account_id: id.optional(),
});

/** `{0: {...}, 1: {...}}` (form) or `[{...}]` (JSON view) → a list; absent → empty. */
const indexedList = z
  .union([z.array(leadFields), z.record(z.string().regex(/^\d+$/), leadFields)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : Object.values(v)));

export const accountWebhookSchema = z
  .object({
    leads: z.object({ responsible: indexedList, status: indexedList }).optional(),
    account: z.object({ id: id.optional(), subdomain: z.string().trim().min(1).optional() }).optional(),
  })
  .transform((b): AccountWebhookEvent => {
    const responsible = (b.leads?.responsible ?? []).map((l) => change("responsible", l));
    const status = (b.leads?.status ?? []).map((l) => change("status", l));
    const itemAccount = [...(b.leads?.responsible ?? []), ...(b.leads?.status ?? [])].find(
      (l) => l.account_id !== undefined,
    )?.account_id;
    return {
      accountId: b.account?.id ?? itemAccount ?? null,
      subdomain: b.account?.subdomain ?? null,
      changes: [...responsible, ...status],
    };
  })
  .refine((e) => e.changes.length > 0, {
    message: "no leads[responsible] or leads[status] in the body",
    path: ["leads"],
  })
  .refine((e) => e.accountId !== null || e.subdomain !== null, {
    message: "neither account[id] nor account[subdomain]",
    path: ["account"],
  });

function change(kind: AccountDealChange["kind"], l: z.infer<typeof leadFields>): AccountDealChange {
  const trigger: RuleTrigger | null =
    kind === "responsible" ? "responsible_changed" : l.status_id === STATUS_LOST ? "deal_lost" : null;
  return {
    kind,
    leadId: l.id,
    pipelineId: l.pipeline_id,
    statusId: l.status_id,
    oldStatusId: l.old_status_id ?? null,
    responsibleUserId: l.responsible_user_id ?? null,
    lastModified: l.last_modified,
    trigger,
  };
}

/** Form-encoded per the reference; a JSON body (the docs' "JSON view") is read too. */
export function decodeAccountWebhookBody(raw: string, headers?: Headers): unknown {
  const type = headers?.get("content-type") ?? "";
  const looksJson = type.includes("json") || (!type.includes("form") && raw.trimStart().startsWith("{"));
  return looksJson ? JSON.parse(raw) : parseBracketForm(raw);
}

/** Raw body → event; throws on a body that is not an account webhook we subscribe to. */
export function parseAccountWebhook(raw: string, headers?: Headers): AccountWebhookEvent {
  return accountWebhookSchema.parse(decodeAccountWebhookBody(raw, headers));
}

/** The account check: the account id when the body has one (a subdomain can be renamed). */
export function accountWebhookBelongsTo(
  e: Pick<AccountWebhookEvent, "accountId" | "subdomain">,
  account: { amoAccountId: number; subdomain: string | null },
): boolean {
  if (e.accountId !== null) return e.accountId === account.amoAccountId;
  return e.subdomain !== null && e.subdomain.toLowerCase() === account.subdomain?.toLowerCase();
}

/** What distinguishes one change from a later one of the same deal: a redelivery repeats it exactly. */
function changeOccurrence(c: AccountDealChange): string {
  return c.kind === "responsible"
    ? `resp:${c.lastModified}:${c.responsibleUserId ?? 0}`
    : `status:${c.lastModified}:${c.oldStatusId ?? 0}>${c.statusId}`;
}

/**
 * The webhook's identity for the inbox. Account webhooks carry no event id; amoCRM redelivers the same
 * body, so the deals' ids with `last_modified` and what changed (new responsible / old → new stage) are
 * equal in a redelivery and differ for a later change — even a second change within the same second,
 * unless it restores exactly the same value.
 */
export function accountWebhookInboxKey(e: AccountWebhookEvent): string {
  const parts = e.changes.map((c) => `${c.leadId}:${changeOccurrence(c)}`).sort();
  return `acct:${e.accountId ?? e.subdomain}:${parts.join(",")}`;
}

/**
 * The change as a rule event, or null when no rule waits for it. The rule stage of "responsible changed"
 * is where the deal is; of "deal lost" the stage it was lost from (`old_status_id`), since a rule on
 * «Закрыто и не реализовано» itself would fire for every stage alike.
 */
export function accountDealEvent(c: AccountDealChange): DealEvent | null {
  if (c.trigger === "responsible_changed")
    return {
      trigger: c.trigger,
      pipelineId: c.pipelineId,
      statusId: c.statusId,
      occurrence: `acct:${changeOccurrence(c)}`,
    };
  if (c.trigger === "deal_lost" && c.oldStatusId !== null)
    return {
      trigger: c.trigger,
      pipelineId: c.pipelineId,
      statusId: c.oldStatusId,
      occurrence: `acct:${changeOccurrence(c)}`,
    };
  return null;
}
