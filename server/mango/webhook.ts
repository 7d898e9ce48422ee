import type { z } from "zod";
import { eventSchema, type MangoEventKind, type MangoEventWire } from "./event-types";
import { eventIdentity } from "./events";
import { decodeSignedForm, verifyEventSignature } from "./sign";

/**
 * The MANGO-specific parts of a webhook intake (server/webhooks/intake.ts `WebhookSpec`): check the raw
 * form body against the tenant's key and salt, decode its `json` field, validate it with the schema of its
 * kind, and name its identity for deduplication. No database here; the credentials are handed in.
 */
export function mangoWebhookParts<K extends MangoEventKind>(
  kind: K,
  creds: { apiKey: string; salt: string },
) {
  return {
    /** Constant-time; false for a missing field, another key, or a signature over other bytes. */
    verify(raw: string): boolean {
      const form = decodeSignedForm(raw);
      return form !== null && verifyEventSignature(creds.apiKey, creds.salt, form);
    },
    /** The `json` field parsed; throws on a body without it or on invalid JSON. */
    decode(raw: string): unknown {
      const form = decodeSignedForm(raw);
      if (!form) throw new Error("vpbx_api_key, sign and json form fields expected");
      return JSON.parse(form.json);
    },
    schema: eventSchema(kind) as unknown as z.ZodType<MangoEventWire<K>>,
    eventKey: (event: MangoEventWire<K>) => eventIdentity(kind, event),
  };
}
