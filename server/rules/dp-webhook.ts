import { z } from "zod";
import type { RuleTrigger } from "@/lib/domain/rules/schema";
import { parseBracketForm } from "./bracket-form";
import type { DealEvent } from "./snapshot";

/**
 * The widget's digital-pipeline webhook (manifest `dp.webhook_url`, amocrm-api.md §4.3). amoCRM documents it
 * as JSON; community handlers say it arrives form-encoded with bracket keys and string values. The encoding
 * is UNCERTAIN, so both are accepted: the content type decides, and without one the first character does.
 * The payload carries only ids — the job reads the deal itself.
 */
export type DpTriggerEvent = {
  accountId: number | null;
  subdomain: string | null;
  /** `event.data.id`: a deal, or a customer when `elementType` is "customer" (element_type 12). */
  leadId: number;
  elementType: "lead" | "customer" | "other";
  pipelineId: number;
  statusId: number;
  /** amoCRM's event type and code (1 lead_added, 14 lead_status_changed, 15 lead_appeared_in_status, …). */
  type: number;
  typeCode: string | null;
  /** went_to_trigger (into the stage), went_in_trigger / went_from_trigger (stretched `action_multiple`). */
  direction: string | null;
  /** `event.time`, unix seconds: when the event happened — the same in a redelivery. */
  time: number;
  /** The rule trigger it is, or null when no rule waits for it (customers, leaving the zone, unknown type). */
  trigger: RuleTrigger | null;
  /** `action.settings.widget.settings`: the values of the manifest's `dp.settings` for this DP action. */
  widgetSettings: Record<string, unknown>;
};

const TRIGGER_BY_TYPE: Record<number, RuleTrigger> = {
  1: "created_in_stage",
  14: "entered_stage",
  15: "entered_stage",
  16: "incoming_mail",
  17: "incoming_call",
  18: "site_visit",
  19: "incoming_chat",
};

const TRIGGER_BY_CODE: Record<string, RuleTrigger> = {
  lead_added: "created_in_stage",
  lead_status_changed: "entered_stage",
  lead_appeared_in_status: "entered_stage",
  mail_in: "incoming_mail",
  call_in: "incoming_call",
  site_visit: "site_visit",
  chat: "incoming_chat",
};

export function decodeDpWebhookBody(raw: string, headers?: Headers): unknown {
  const type = headers?.get("content-type") ?? "";
  const looksJson = type.includes("json") || (!type.includes("form") && raw.trimStart().startsWith("{"));
  return looksJson ? JSON.parse(raw) : parseBracketForm(raw);
}

// Form values are strings; JSON values numbers. Both become numbers, and "" never silently becomes 0.
const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const int = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

/** A PHP backend sends empty settings as `[]` (JSON) or `""` (form): both mean "no settings". */
function settingsOf(action: unknown): Record<string, unknown> {
  const s = (action as { settings?: { widget?: { settings?: unknown } } } | undefined)?.settings?.widget
    ?.settings;
  return s && typeof s === "object" && !Array.isArray(s) ? { ...(s as Record<string, unknown>) } : {};
}

export const dpWebhookSchema = z
  .object({
    event: z.object({
      type: int,
      type_code: z.string().min(1).optional(),
      data: z.object({
        id,
        element_type: int.optional(),
        status_id: id,
        pipeline_id: id,
        direction_of_movement: z.string().min(1).optional(),
      }),
      time: int,
    }),
    action: z.unknown().optional(),
    subdomain: z.string().trim().min(1).optional(),
    account_id: id.optional(),
  })
  .refine((b) => b.account_id !== undefined || b.subdomain !== undefined, {
    message: "neither account_id nor subdomain",
    path: ["account_id"],
  })
  .transform((b): DpTriggerEvent => {
    const { event } = b;
    const elementType = event.data.element_type ?? 2;
    const typeCode = event.type_code ?? null;
    const direction = event.data.direction_of_movement ?? null;
    const isLead = elementType === 2;
    const trigger =
      isLead && direction !== "went_from_trigger"
        ? (TRIGGER_BY_TYPE[event.type] ?? (typeCode ? TRIGGER_BY_CODE[typeCode] : undefined) ?? null)
        : null;
    return {
      accountId: b.account_id ?? null,
      subdomain: b.subdomain ?? null,
      leadId: event.data.id,
      elementType: isLead ? "lead" : elementType === 12 ? "customer" : "other",
      pipelineId: event.data.pipeline_id,
      statusId: event.data.status_id,
      type: event.type,
      typeCode,
      direction,
      time: event.time,
      trigger,
      widgetSettings: settingsOf(b.action),
    };
  });

/** Raw body → event; throws (a 400 at the route) on a body that is not a DP webhook. */
export function parseDpWebhook(raw: string, headers?: Headers): DpTriggerEvent {
  return dpWebhookSchema.parse(decodeDpWebhookBody(raw, headers));
}

/** The account check of the route: the account id when the body has one (a subdomain can be renamed). */
export function dpEventBelongsTo(
  event: Pick<DpTriggerEvent, "accountId" | "subdomain">,
  account: { amoAccountId: number; subdomain: string | null },
): boolean {
  if (event.accountId !== null) return event.accountId === account.amoAccountId;
  return event.subdomain !== null && event.subdomain.toLowerCase() === account.subdomain?.toLowerCase();
}

/**
 * The webhook's identity for the inbox: what amoCRM repeats verbatim when it delivers the same event
 * again. The DP payload has no event id; `event.time` + type + deal + stage is the closest to one.
 */
export function dpInboxKey(e: DpTriggerEvent): string {
  return `dp:${e.accountId ?? e.subdomain}:${e.leadId}:${e.pipelineId}:${e.statusId}:${e.type}:${e.time}`;
}

/**
 * The DP webhook as a rule event, or null when no rule can wait for it. The body's occurrence is replaced by
 * amoCRM's once the trigger is confirmed (dp-confirm.ts); it stays for triggers confirmed by stage alone.
 */
export function dpDealEvent(e: DpTriggerEvent): DealEvent | null {
  if (!e.trigger) return null;
  return {
    trigger: e.trigger,
    pipelineId: e.pipelineId,
    statusId: e.statusId,
    occurrence: `dp:${e.type}:${e.time}`,
  };
}
