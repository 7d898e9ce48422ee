import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import { sendRuleSms } from "./send";

/**
 * One SMS of a rule (an `sms_messages` row): sent through MANGO once, then marked for its notes in amoCRM
 * (written in batches by `sms.notes`). At most 8 starts per second per tenant (4 at once): MANGO allows 10
 * requests per second per account for everything (mango-api.md §4), and "apply to current deals" may queue
 * a thousand at once — the rest of the second is left to calls and callbacks.
 */
export const sendSmsJob = defineJob({
  id: "sms.send",
  title: "Отправка SMS",
  payload: z.object({ smsId: z.uuid() }),
  options: { retries: 5, concurrency: { limit: 4 }, rate: { limit: 8, periodSeconds: 1 } },
  handler: async (p, { db, tenantId, queue }) => {
    if (!tenantId) return { status: "skipped", reason: "SMS без аккаунта" };
    try {
      return await sendRuleSms(db, queue, { tenantId, smsId: p.smsId });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});
