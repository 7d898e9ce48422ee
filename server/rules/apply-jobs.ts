import { z } from "zod";
import { TenantNeedsReconnectError } from "@/server/connections/amocrm-tokens";
import { defineJob, NonRetriableError } from "@/server/jobs/define";
import { runRuleApplication } from "./apply-run";
import { finishApplication } from "./apply-store";

const RETRIES = 5;
/** A run hands over to a fresh run (same cursor) after this long, so no single run outlives a lease. */
const RUN_BUDGET_MS = 20_000;

/**
 * "Применить триггер к текущим сделкам в статусе": one rule over the deals now in its stage (apply-run.ts).
 * One application at a time per tenant: they all draw on the account's 7 requests/second. A retried run
 * resumes at its page cursor; a long stage continues in follow-up runs keyed by application and page.
 */
export const applyRuleToCurrentDealsJob = defineJob({
  id: "rules.apply-current",
  title: "Применение правила к текущим сделкам",
  payload: z.object({ applicationId: z.uuid() }),
  subject: (p) => `применение ${p.applicationId.slice(0, 8)}`,
  subjectKey: (p) => `apply:${p.applicationId}`,
  options: { retries: RETRIES, concurrency: { limit: 1 } },
  handler: async (p, { db, tenantId, queue, attempt }) => {
    if (!tenantId) return { status: "skipped", reason: "применение без аккаунта" };
    const id = p.applicationId;
    try {
      const res = await runRuleApplication(db, queue, {
        tenantId,
        applicationId: id,
        deadline: Date.now() + RUN_BUDGET_MS,
      });
      if (res.kind === "finished") return res.outcome;
      await queue.enqueue(
        applyRuleToCurrentDealsJob,
        { applicationId: id },
        { tenantId, idempotencyKey: `rule-application:${id}:page:${res.nextPage}` },
      );
      return { status: "done", result: { ...res.summary, continuesAtPage: res.nextPage } };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof TenantNeedsReconnectError) {
        await finishApplication(db, { tenantId, id, status: "failed", error: reason });
        throw new NonRetriableError(reason);
      }
      // The last attempt: the application must not stay "running" (a new start would return it).
      if (err instanceof NonRetriableError || attempt > RETRIES)
        await finishApplication(db, { tenantId, id, status: "failed", error: reason });
      throw err;
    }
  },
});
