// Integration-test support for rules fired by amoCRM's account webhooks: the DP world (a tenant on both
// emulators, MANGO's events over HTTP to our intake, the rules' author paired with 101) plus the issue 7
// acceptance scenario (test/sms-scenario.ts), our account-webhook route over HTTP and the tenant subscribed
// to it the way onboarding does it (POST /api/v4/webhooks on the amoCRM emulator).
import { and, eq } from "drizzle-orm";
import { jobRuns, webhookInbox } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import type { SmsAction } from "@/lib/domain/rules/schema";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { subscribeAccountWebhooks } from "@/server/onboarding/account-webhooks";
import { receiveAccountWebhook } from "@/server/rules/account-webhook-intake";
import { accountEventRulesJob, evaluateRulesJob } from "@/server/rules/jobs";
import { sendSmsJob } from "@/server/sms/jobs";
import { writeSmsNotesJob } from "@/server/sms/notes-jobs";
import { drainJobs } from "@/test/db";
import { startDpWorld } from "@/test/dp-world";
import { serveHandler } from "@/test/http-bridge";
import { SCENARIO, seedSmsScenario } from "@/test/sms-scenario";

type Json = Record<string, unknown>;
export type Delivery = { url: string; body: string; contentType?: string | null; status?: number };
export type AccountWorld = Awaited<ReturnType<typeof startAccountWorld>>;

/** An SMS action as the editor saves it. */
export const smsAction = (template: string, recipients: SmsAction["recipients"] = ["client"]): SmsAction => ({
  kind: "sms",
  recipients,
  senderName: "AMANGO",
  template,
  fallback: null,
});

export async function startAccountWorld() {
  const w = await startDpWorld();
  const { t, tenant } = w;
  // First: seeding amoCRM reloads its state, which resets the emulator's delivery log and faults.
  await seedSmsScenario({ amocrmUrl: w.amo.url, mangoUrl: w.mango.url, db: t.db, tenantId: tenant.id });
  const events = await serveHandler(async (req) => {
    const m = /^\/api\/amocrm\/([^/]+)\/events$/.exec(new URL(req.url).pathname);
    return m
      ? receiveAccountWebhook(req, { webhookKey: m[1]! }, { db: t.db, queue: createLocalQueue(t.db) })
      : new Response(null, { status: 404 });
  });
  const eventsUrl = `${events.url}/api/amocrm/${tenant.webhookKey}/events`;
  const subscribed = await subscribeAccountWebhooks(t.db, { tenant, appUrl: events.url });
  if (!subscribed.ok) throw new Error(`account webhooks not subscribed: ${subscribed.reason}`);

  /** Everything a webhook causes: the rules, the SMS, MANGO's result and delivery report. */
  const settle = async () => {
    await drainJobs(t.db, [accountEventRulesJob, evaluateRulesJob, sendSmsJob, writeSmsNotesJob]);
    await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
    await w.amoControl("deliveries/settle", {});
    await fetch(`${w.mango.url}/__control/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: 5000 }),
    });
    await fetch(`${w.mango.url}/__control/deliveries?wait=1`);
    await drainJobs(t.db, [processMangoEvent]);
  };
  const ours = (deliveries: Delivery[]) => deliveries.filter((d) => d.url === eventsUrl);

  return {
    ...w,
    eventsUrl,
    settle,
    /** Changes the deal as a user would in amoCRM; returns the account webhooks posted to us. */
    async updateDeal(leadId: number, changes: Json): Promise<Delivery[]> {
      const res = await w.amoControl("leads/update", { subdomain: "demo", lead_id: leadId, changes });
      return ours(res.deliveries as Delivery[]);
    },
    async moveDeal(leadId: number, statusId: number): Promise<Delivery[]> {
      const res = await w.amoControl("leads/move", {
        subdomain: "demo",
        lead_id: leadId,
        status_id: statusId,
      });
      return ours(res.deliveries as Delivery[]);
    },
    /** Posts a captured delivery to our route again, as amoCRM's retries would. */
    redeliver: (d: Delivery) =>
      fetch(eventsUrl, {
        method: "POST",
        headers: { "content-type": d.contentType ?? "application/x-www-form-urlencoded" },
        body: d.body,
      }),
    accountRuns: () => t.db.select().from(jobRuns).where(eq(jobRuns.jobId, accountEventRulesJob.id)),
    inbox: () =>
      t.db
        .select()
        .from(webhookInbox)
        .where(and(eq(webhookInbox.tenantId, tenant.id), eq(webhookInbox.kind, "events"))),
    /** The client's number as MANGO receives it (digits, no "+"). */
    olegMobile: SCENARIO.oleg.mobile.replace(/\D/g, ""),
    async close() {
      await events.close();
      await w.close();
    },
  };
}
