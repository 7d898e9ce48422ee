// Integration-test support for DP rules and SMS: the call-logging world (a tenant on both emulators, MANGO
// events over HTTP to our intake, extensions 101/102 paired), plus our DP webhook over HTTP, the amoCRM
// emulator's DP action pointing at it, and helpers to move deals and read what MANGO was asked.
import { and, eq } from "drizzle-orm";
import { amocrmUsers, jobRuns, mangoEmployees, smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import type { RuleDraft } from "@/lib/domain/rules/schema";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { receiveDpWebhook } from "@/server/rules/dp-intake";
import { evaluateRulesJob } from "@/server/rules/jobs";
import { saveRule } from "@/server/rules/store";
import { sendSmsJob } from "@/server/sms/jobs";
import { writeSmsNotesJob } from "@/server/sms/notes-jobs";
import { upsertUser } from "@/server/tenancy/queries";
import { PAIRS, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";
import { serveHandler } from "@/test/http-bridge";

type Json = Record<string, unknown>;
export const DECISION = { pipelineId: 3383152, statusId: 33929758 }; // «Принимают решение»
export const FIRST_CONTACT = { pipelineId: 3383152, statusId: 33929752 }; // «Первичный контакт»
/** Paired with extension 101 (mobile +79161110101): the rules' author and the deals' responsible. */
export const MANAGER = {
  amoUserId: PAIRS["101"],
  name: "Алексей Смирнов",
  extension: "101",
  mobile: "+79161110101",
};

export type DpWorld = Awaited<ReturnType<typeof startDpWorld>>;

export async function startDpWorld(opts: Parameters<typeof startLogWorld>[0] = {}) {
  const w = await startLogWorld(opts);
  const { t, tenant, amo, mango } = w;
  const dp = await serveHandler(async (req) => {
    const m = /^\/api\/amocrm\/([^/]+)\/dp$/.exec(new URL(req.url).pathname);
    return m
      ? receiveDpWebhook(req, { webhookKey: m[1]! }, { db: t.db, queue: createLocalQueue(t.db) })
      : new Response(null, { status: 404 });
  });
  const dpUrl = `${dp.url}/api/amocrm/${tenant.webhookKey}/dp`;
  const amoControl = async (path: string, body: unknown) => {
    const res = await fetch(`${amo.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`amoCRM control ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };
  const mangoControl = async (path: string, body: unknown) => {
    const res = await fetch(`${mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
    return (await res.json()) as Json;
  };
  await mangoControl("clock", { freeze: true });
  // One DP action per stage: one action over two stages would be a stretched zone, silent inside it.
  for (const stage of [DECISION, FIRST_CONTACT])
    await amoControl("dp/actions", {
      subdomain: "demo",
      status_id: stage.statusId,
      pipeline_id: stage.pipelineId,
      webhook_url: dpUrl,
      settings: {},
      encoding: "json",
    });
  await t.db
    .insert(amocrmUsers)
    .values({ tenantId: tenant.id, amoUserId: MANAGER.amoUserId, name: MANAGER.name });
  // MANGO's seed gives 101 this mobile; the call-logging world pairs 101 without copying it.
  await t.db
    .update(mangoEmployees)
    .set({ mobile: MANAGER.mobile })
    .where(and(eq(mangoEmployees.tenantId, tenant.id), eq(mangoEmployees.extension, MANAGER.extension)));
  const admin = await upsertUser(t.db, { amocrmUserId: MANAGER.amoUserId, name: MANAGER.name });

  /** Everything the webhook causes: the rules, the SMS, MANGO's result and delivery report. */
  const settle = async () => {
    await drainJobs(t.db, [evaluateRulesJob, sendSmsJob, writeSmsNotesJob]);
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    await mangoControl("clock", { advance: 5000 });
    await fetch(`${mango.url}/__control/deliveries?wait=1`);
    await drainJobs(t.db, [processMangoEvent]);
  };

  return {
    ...w,
    dpUrl,
    amoControl,
    settle,
    async rule(draft: Partial<RuleDraft> & Pick<RuleDraft, "statusId" | "actions">) {
      return (await saveRule(t.db, {
        tenantId: tenant.id,
        actorUserId: admin.id,
        authorAmoUserId: MANAGER.amoUserId,
        draft: {
          pipelineId: DECISION.pipelineId,
          name: "",
          enabled: true,
          trigger: "entered_stage",
          conditions: { mode: "all", items: [] },
          applyToCurrentDeals: false,
          ...draft,
        },
      }))!;
    },
    /** Sets the deal as a user would, then moves it into a stage; the DP webhook is delivered meanwhile. */
    async moveDeal(leadId: number, statusId: number, changes: Json = {}) {
      await amoControl("leads/update", { subdomain: "demo", lead_id: leadId, changes });
      const moved = await amoControl("leads/move", {
        subdomain: "demo",
        lead_id: leadId,
        status_id: statusId,
      });
      return moved.deliveries as { url: string; body: string; status?: number }[];
    },
    /** commands/sms MANGO received, parsed. */
    async smsCommands(): Promise<Json[]> {
      const res = await fetch(`${mango.url}/__control/requests`);
      const { requests } = (await res.json()) as { requests: { path: string; json?: string }[] };
      return requests
        .filter((r) => r.path.endsWith("commands/sms"))
        .map((r) => JSON.parse(r.json ?? "{}") as Json);
    },
    sms: () => t.db.select().from(smsMessages).where(eq(smsMessages.tenantId, tenant.id)),
    evaluateRuns: () => t.db.select().from(jobRuns).where(eq(jobRuns.jobId, evaluateRulesJob.id)),
    async close() {
      await dp.close();
      await w.close();
    },
  };
}
