// The world of R1 and R2: the DP-rules world of the integration tests (test/dp-world.ts: a tenant on both
// emulators, extensions 101/102 paired, the manager with a mobile), but with MANGO's events and amoCRM's DP
// webhook sent to app instances running as child processes instead of in-process bridges. Calls are logged
// with a contact and a deal for a new number and a task for a missed call; a rule texts the client when a
// deal enters «Принимают решение».
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { type AmoState, ANSWERED_STAGE, MISSED_STAGE } from "@/test/calls-world";
import { DECISION, MANAGER, startDpWorld } from "@/test/dp-world";
import { CLIENT_SMS } from "@/test/rules-fixtures";

type Json = Record<string, unknown>;
/** «Переговоры»: where the seeded deals wait before a move into «Принимают решение». */
export const NEGOTIATION = { pipelineId: 3383152, statusId: 33929755 };
/** The seeded deals' ids and their main contacts' mobiles. */
export const dealId = (i: number) => 8_000_000 + i * 2;
export const dealMobile = (i: number) => `7900${String(5_000_000 + i)}`;
/** Task ids of the emulator's seed (not written by us). */
export const SEEDED_TASKS = new Set([7087, 215089, 4747929]);

export type RelWorld = Awaited<ReturnType<typeof startRelWorld>>;

export async function startRelWorld(o: { deals: number; dealStage: typeof NEGOTIATION }) {
  const w = await startDpWorld();
  const json = async (res: Response) => (await res.json()) as Json;
  const mangoControl = async (path: string, body: unknown) =>
    json(await fetch(`${w.mango.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) }));

  await w.settings({
    calls: {
      newClientAction: "contact_and_deal",
      repeatClientAction: "deal_if_no_open",
      answeredStage: ANSWERED_STAGE,
      missedStage: MISSED_STAGE,
      outgoing: { createContact: true, createDeal: false },
      // A call missed before any employee's phone rang names no employee: logged on the admin.
      saveAllCalls: { enabled: true, userId: 504141 },
    },
  });
  // Deals with a main contact (a mobile each) that the suites move into «Принимают решение» or apply to.
  const state = (await json(await fetch(`${w.amo.url}/__control/state`))) as {
    accounts: Record<string, { leads: unknown[]; contacts: unknown[]; next_id: number }>;
  };
  const demo = state.accounts.demo!;
  for (let i = 0; i < o.deals; i++) {
    const c = contact(
      7_000_000 + i * 2,
      "Клиент",
      `${i}`,
      [phoneCf(`+${dealMobile(i)}`, "MOB")],
      MANAGER.amoUserId,
    );
    const l = lead(dealId(i), `Сделка ${i}`, 60_000, o.dealStage.pipelineId, o.dealStage.statusId, [c.id]);
    l.responsible_user_id = MANAGER.amoUserId;
    demo.contacts.push(c);
    demo.leads.push(l);
  }
  demo.next_id = 9_000_000;
  const seeded = await fetch(`${w.amo.url}/__control/seed`, {
    method: "POST",
    body: JSON.stringify({ state }),
  });
  if (!seeded.ok) throw new Error(`amoCRM seed: ${seeded.status}`);
  // MANGO's clock runs (its delivery retries are timed on it); a sender that keeps retrying a failed delivery
  // for about a minute, so a restart of the app is not MANGO giving up.
  await mangoControl("clock", { freeze: false });
  await mangoControl("delivery", {
    retryDelaysMs: [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000],
  });
  const rule = await w.rule({
    ...DECISION,
    name: "Надёжность",
    actions: [{ ...CLIENT_SMS, recipients: ["client"], fallback: null }],
  });

  return {
    ...w,
    rule,
    mangoControl,
    /** Points MANGO's events and amoCRM's DP action for «Принимают решение» at this address. */
    async pointAt(appUrl: string) {
      await mangoControl("webhook", { url: `${appUrl}/api/mango/${w.tenant.webhookKey}` });
      await fetch(`${w.amo.url}/__control/dp/actions`, { method: "DELETE" });
      await w.amoControl("dp/actions", {
        subdomain: "demo",
        status_id: DECISION.statusId,
        pipeline_id: DECISION.pipelineId,
        webhook_url: `${appUrl}/api/amocrm/${w.tenant.webhookKey}/dp`,
        settings: {},
        encoding: "json",
      });
    },
    /** Every delivery MANGO made, with its attempts (and whether it gave up). */
    async mangoDeliveries() {
      const d = await json(await fetch(`${w.mango.url}/__control/deliveries`));
      return d.deliveries as {
        path: string;
        json: string;
        delivered: boolean;
        gaveUp: boolean;
        attempts: unknown[];
      }[];
    },
    async amoRequests() {
      const res = await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api`);
      return (await res.json()) as {
        method: string;
        path: string;
        status: number;
        at: number;
        fault?: string;
      }[];
    },
    amoStateNow: (): Promise<AmoState> => w.amoState(),
  };
}

/** How many times each number was texted (MANGO's commands/sms). */
export async function smsPerNumber(w: RelWorld): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const c of await w.smsCommands()) {
    const to = String(c.to_number);
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}
