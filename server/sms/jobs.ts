import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, SkipJobError } from "@/server/jobs/define";
import { sendRuleSms } from "./send";

/**
 * One SMS of a rule (an `sms_messages` row): sent through MANGO once, then noted in amoCRM once. One at a
 * time per tenant: MANGO's command rate is the account's, and SMS are not urgent to the second.
 */
export const sendSmsJob = defineJob({
  id: "sms.send",
  title: "Отправка SMS",
  payload: z.object({ smsId: z.uuid() }),
  options: { retries: 5, concurrency: { limit: 1 } },
  handler: async (p, { db, tenantId }) => {
    if (!tenantId) return { status: "skipped", reason: "SMS без аккаунта" };
    try {
      return await sendRuleSms(db, { tenantId, smsId: p.smsId });
    } catch (err) {
      if (err instanceof TenantNeedsReconnectError) throw new SkipJobError(err.message);
      throw err;
    }
  },
});
