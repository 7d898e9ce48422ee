import { performance } from "node:perf_hooks";
import { contact, lead, phoneCf } from "@/emulators/amocrm/seed-builders";
import { createLocalQueue } from "@/inngest/local/queue";
import { createLocalWorker } from "@/inngest/local/worker";
import { applicationStatus, startApplyToCurrentDeals } from "@/server/rules/apply-current";
import { applyRuleToCurrentDealsJob } from "@/server/rules/apply-jobs";
import type { TestDb } from "@/test/db";
import { DECISION, MANAGER, startDpWorld } from "@/test/dp-world";
import { CLIENT_SMS } from "@/test/rules-fixtures";

export type ApplyFigures = {
  deals: number;
  seconds: number;
  amoRequests: number;
  requestsPerDeal: number;
  sustainedRps: number;
  peakRps: number;
  tooMany: number;
  status: string;
};

type Entry = { seq: number; status: number };

/**
 * "Apply to current deals" on `deals` deals seeded in one stage of the amoCRM emulator (its real 7 rps
 * limit), a rule "budget > 50 000 → SMS to the client" (every deal eligible): the apply job on the local
 * driver in real time, the SMS it queues left unsent (they go to MANGO, not amoCRM). amoCRM's request log
 * is read every second: requests per deal, sustained and peak requests per second, 429 answers.
 */
export async function benchApply(db: TestDb, deals: number): Promise<ApplyFigures> {
  const w = await startDpWorld({ db });
  const worker = createLocalWorker({ db: db.db, definitions: [applyRuleToCurrentDealsJob] });
  try {
    // Seeded in the emulator's memory (it runs in this process): 10,000 deals are more than its control API
    // takes in one body.
    const demo = (
      w.amo.emu.state as unknown as {
        accounts: Record<string, { leads: unknown[]; contacts: unknown[]; next_id: number }>;
      }
    ).accounts.demo!;
    for (let i = 0; i < deals; i++) {
      const c = contact(
        60_000_000 + i * 2,
        "Клиент",
        `${i}`,
        [phoneCf(`+7900${String(i).padStart(7, "0")}`, "MOB")],
        MANAGER.amoUserId,
      );
      const l = lead(50_000_000 + i * 2, `Сделка ${i}`, 60_000, DECISION.pipelineId, DECISION.statusId, [
        c.id,
      ]);
      l.responsible_user_id = MANAGER.amoUserId;
      demo.contacts.push(c);
      demo.leads.push(l);
    }
    demo.next_id = 70_000_000;
    const rule = await w.rule({
      ...DECISION,
      name: "Бюджет",
      conditions: { mode: "all", items: [{ kind: "budget", op: "gt", value: 50_000 }] },
      actions: [{ ...CLIENT_SMS, recipients: ["client"], fallback: null }],
      applyToCurrentDeals: true,
    });
    await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });

    // The emulator keeps its last 5,000 requests: read them every second and keep what is new.
    const seen: Entry[] = [];
    const perSecond = new Map<number, number>();
    let since = 0;
    const t0 = performance.now();
    const collect = async () => {
      const log = (await (
        await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api&since=${since}`)
      ).json()) as Entry[];
      const second = Math.floor((performance.now() - t0) / 1000);
      for (const e of log) seen.push(e);
      if (log.length) perSecond.set(second, (perSecond.get(second) ?? 0) + log.length);
      since = log.at(-1)?.seq ?? since;
    };
    const started = await startApplyToCurrentDeals(db.db, createLocalQueue(db.db), {
      tenantId: w.tenant.id,
      ruleId: rule.id,
      actorUserId: null,
    });
    if (!started) throw new Error("apply did not start");
    worker.start(Number(process.env.JOBS_POLL_MS ?? 1000));
    let status = "running";
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      await collect();
      const s = await applicationStatus(db.db, { tenantId: w.tenant.id, ruleId: rule.id });
      status = s?.status ?? "missing";
      if (status !== "running" && status !== "queued") break;
    }
    const seconds = (performance.now() - t0) / 1000;
    await collect();
    return {
      deals,
      seconds,
      amoRequests: seen.length,
      requestsPerDeal: seen.length / deals,
      sustainedRps: seen.length / seconds,
      peakRps: Math.max(0, ...perSecond.values()),
      tooMany: seen.filter((e) => e.status === 429).length,
      status,
    };
  } finally {
    await worker.stop();
    await w.close();
  }
}
