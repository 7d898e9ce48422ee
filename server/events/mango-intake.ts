import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Tenant } from "@/db/schema";
import { onCallEventForCards } from "@/server/calls/card/events";
import type { JobQueue } from "@/server/jobs/queue";
import { loggerFor } from "@/server/log/logger";
import { maskPayload, maskPhone } from "@/server/log/mask";
import { eventKindFromPath, type MangoEventKind } from "@/server/mango/event-types";
import { decodeSignedForm, verifyEventSignature } from "@/server/mango/sign";
import { mangoWebhookParts } from "@/server/mango/webhook";
import { receiveWebhook, type WebhookSpec } from "@/server/webhooks/intake";
import { webhookTenantWithSecrets } from "@/server/webhooks/tenant";
import { processMangoEvent } from "./mango-jobs";

type EventPayload = z.infer<typeof processMangoEvent.payload>;

/** Who called whom, masked, for the journal's subject column. */
function subjectOf(kind: string, e: Record<string, unknown>): string | undefined {
  const from = (e.from as { number?: unknown } | undefined)?.number;
  return from ? `${kind} · ${maskPhone(String(from))}` : kind;
}

/**
 * The owner's journal group: a call's events (and the call's logging) by `entry_id`, an SMS report with
 * its SMS by `command_id` (server/sms/plan.ts keys the send the same way).
 */
export function mangoSubjectKey(kind: string, e: Record<string, unknown>): string | undefined {
  if (typeof e.entry_id === "string" && e.entry_id) return `call:${e.entry_id}`;
  const command = e.command_id;
  if (
    (kind === "result/sms" || kind === "events/sms") &&
    command !== undefined &&
    command !== null &&
    command !== ""
  )
    return `sms:${String(command)}`;
  return undefined;
}

/** An event kind we have no schema for is still verified, stored and acknowledged: nothing is lost. */
function unknownKindSpec(path: string, creds: { apiKey: string; salt: string }) {
  return {
    verify: (raw: string) => {
      const form = decodeSignedForm(raw);
      return form !== null && verifyEventSignature(creds.apiKey, creds.salt, form);
    },
    decode: (raw: string) => JSON.parse(decodeSignedForm(raw)?.json ?? "null"),
    schema: z.looseObject({}) as unknown as z.ZodType<Record<string, unknown>>,
    eventKey: (e: Record<string, unknown>) =>
      `unknown:${path}:${createHash("sha256").update(JSON.stringify(e)).digest("hex").slice(0, 32)}`,
    kind: `unknown:${path}`,
  };
}

/**
 * `POST /api/mango/<webhook key>/<events|result>/<kind>`: the tenant comes from the key in the URL, the
 * signature is checked with that tenant's key and salt, then the shared intake stores and enqueues.
 */
export async function receiveMangoEvent(
  req: Request,
  { webhookKey, path: rawPath }: { webhookKey: string; path: string },
  deps: { db: Db; queue: JobQueue },
): Promise<Response> {
  // `events/call/` is `events/call`: a sender's trailing slash names no other event.
  const path = rawPath.replace(/\/+$/, "");
  // The intake's one read: the tenant with its key and salt (its one write is in receiveWebhook).
  const found = await webhookTenantWithSecrets(deps.db, {
    webhookKey,
    kinds: ["mango.api_key", "mango.api_salt"],
  });
  const tenant: Tenant | null = found?.tenant ?? null;
  const apiKey = found?.secrets["mango.api_key"];
  const salt = found?.secrets["mango.api_salt"];
  const creds = apiKey && salt ? { apiKey, salt } : null;
  const kind: MangoEventKind | null = eventKindFromPath(path);
  const parts = creds
    ? kind
      ? { ...mangoWebhookParts(kind, creds), kind: kind as string }
      : unknownKindSpec(path, creds)
    : { ...unknownKindSpec(path, { apiKey: "", salt: "" }), verify: () => false };
  const spec: WebhookSpec<Record<string, unknown>, EventPayload> = {
    provider: "mango",
    kind: parts.kind,
    verify: parts.verify,
    decode: parts.decode,
    schema: parts.schema as z.ZodType<Record<string, unknown>>,
    eventKey: parts.eventKey as (e: Record<string, unknown>) => string,
    subject: (e) => subjectOf(parts.kind, e),
    subjectKey: (e) => mangoSubjectKey(parts.kind, e),
    job: processMangoEvent,
    onAccepted: (event) => {
      accepted.event = event;
    },
    toJobPayload: (event, inboxId) => {
      // The payload is a hint (masked: no full phone number in job_runs); the job reads the event sealed in
      // its inbox row.
      return {
        inboxId,
        kind: parts.kind,
        event: maskPayload(event) as Record<string, unknown>,
        receivedAt: new Date().toISOString(),
      };
    },
  };
  // Set once the event is verified, valid, stored and queued (a redelivery leaves it unset).
  const accepted: { event: Record<string, unknown> | null } = { event: null };
  const res = await receiveWebhook(req, tenant, spec, deps);
  if (tenant && accepted.event && parts.kind === "events/call") {
    // The call card goes out from here, not from the job (polled, up to JOBS_POLL_MS late), and after
    // MANGO's answer is decided: a failure or a slow amoCRM never delays or fails the webhook.
    onCallEventForCards(deps.db, tenant, accepted.event).catch((err) =>
      loggerFor({ tenantId: tenant.id }).warn({ err: String(err) }, "call card not sent"),
    );
  }
  return res;
}
