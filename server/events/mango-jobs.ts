import { z } from "zod";
import { defineJob } from "@/server/jobs/define";
import { markMangoEventReceived } from "@/server/onboarding/mango-connect";

export const mangoEventPayload = z.object({
  inboxId: z.uuid(),
  kind: z.string(),
  /** The event as MANGO sent it (already verified and validated by the intake). */
  event: z.record(z.string(), z.unknown()),
  receivedAt: z.iso.datetime(),
});

/**
 * One verified MANGO event. Today it proves the PBX reaches us (the "events arriving" check); the calls
 * feature (issue 6) extends this handler to assemble calls from events/call, events/summary and results.
 */
export const processMangoEvent = defineJob({
  id: "mango.event",
  title: "Событие MANGO OFFICE",
  payload: mangoEventPayload,
  subject: (p) => p.kind,
  options: { retries: 5, concurrency: { limit: 4 } },
  handler: async (p, { db, tenantId }) => {
    if (!tenantId) return { status: "skipped", reason: "событие без аккаунта" };
    await markMangoEventReceived(db, { tenantId, at: new Date(p.receivedAt) });
    return { status: "done", result: { kind: p.kind } };
  },
});
