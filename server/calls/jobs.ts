import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import { logCallToAmocrm } from "./log-call";

export const logCallPayload = z.object({ callId: z.uuid() });

/**
 * A finished call written to amoCRM. The payload is a hint: the handler re-reads the call row, so a run
 * retried after the call changed (a late recording) logs what is true then. Enqueued once per call
 * (idempotency key `call:<id>`) by the mango.event job that finished it.
 */
export const logCall = defineJob({
  id: "calls.log",
  title: "Запись звонка в amoCRM",
  payload: logCallPayload,
  // Two at a time per tenant: the amoCRM bucket (7 rps) is shared with everything else the tenant does.
  options: { retries: 5, concurrency: { limit: 2 } },
  handler: async (p, { db, tenantId }) => {
    if (!tenantId) return { status: "skipped", reason: "звонок без аккаунта" };
    try {
      return await logCallToAmocrm(db, { tenantId, callId: p.callId });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});
