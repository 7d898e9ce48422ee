import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { createLocalQueue } from "@/inngest/local/queue";
import { applicationStatus, startApplyToCurrentDeals } from "@/server/rules/apply-current";
import { contactsWithPhone } from "@/test/calls-world";
import { DECISION } from "@/test/dp-world";
import {
  type AppProcess,
  freePort,
  roundRobin,
  seededRandom,
  sleep,
  startAppProcess,
  unfinishedRuns,
  waitForQuiet,
  watchStalls,
} from "./support/harness";
import { dealId, dealMobile, type RelWorld, smsPerNumber, startRelWorld } from "./support/world";

/**
 * Issue 16, R2: two app processes on one PostgreSQL database, both running the job driver, behind a
 * round-robin balancer (MANGO's events alternate between them). A bulk "apply to current deals" over a few
 * hundred deals and a burst of calls: amoCRM's 7 requests/second is the account's (rate_budgets in PostgreSQL),
 * so the amoCRM emulator, which enforces it, answers no 429; and no side effect is made twice.
 *
 * An app process (reliability/support/app-process.ts) serves the real intake routes and runs the local job
 * driver with the registry's jobs — an instance without its pages.
 */
const SEED = 1602;
const DEALS = 300;
const CALLS = 80;
const NUMBERS = Array.from({ length: 40 }, (_, i) => `+7999333${String(i).padStart(4, "0")}`);

let w: RelWorld;
let apps: AppProcess[] = [];
let balancer: Awaited<ReturnType<typeof roundRobin>>;

beforeAll(async () => {
  w = await startRelWorld({ deals: DEALS, dealStage: DECISION });
  apps = await Promise.all(
    [0, 1].map(async () => startAppProcess({ databaseUrl: w.t.url, port: await freePort(), leaseMs: 5000 })),
  );
  balancer = await roundRobin(() => apps.map((a) => a.url));
  await w.pointAt(balancer.url);
}, 120_000);
afterAll(async () => {
  await Promise.all(apps.map((a) => a.kill()));
  await balancer?.close();
  await w?.close();
});

describe("R2: two instances on one database", () => {
  it("a bulk apply and a burst of calls on two instances: 0 × 429 from amoCRM, every SMS, contact, deal and call once", async () => {
    const rnd = seededRandom(SEED);
    const watch = watchStalls(w.t.db);
    const started = await startApplyToCurrentDeals(w.t.db, createLocalQueue(w.t.db), {
      tenantId: w.tenant.id,
      ruleId: w.rule.id,
      actorUserId: null,
    });
    expect(started?.created).toBe(true);
    // The burst: answered incoming calls from 40 numbers (two calls each on average), a few per 100 ms.
    const calls: { entryId: string; number: string }[] = [];
    for (let i = 0; i < CALLS; i++) {
      const number = rnd.pick(NUMBERS);
      const ext = rnd.pick(["101", "102"]);
      const { entry_id } = (await w.mangoControl("scenarios", {
        instant: true,
        type: "incoming",
        from: number,
        ring: [ext],
        answeredBy: ext,
        talkSeconds: 30,
      })) as { entry_id: string };
      calls.push({ entryId: entry_id, number });
      if (i % 4 === 3) await sleep(100);
    }
    await waitForQuiet(w.t.db, {
      quietMs: 4000,
      timeoutMs: 100_000,
      extraIdle: async () => (await w.mangoDeliveries()).every((d) => d.delivered || d.gaveUp),
    });
    await watch.stop();

    const requests = await w.amoRequests();
    const perSecond = new Map<number, number>();
    for (const r of requests) perSecond.set(r.at, (perSecond.get(r.at) ?? 0) + 1);
    const peak = Math.max(...perSecond.values());
    const refused = requests.filter((r) => r.status === 429).length;

    const dup: string[] = [];
    const lost: string[] = [];
    const count = (what: string, n: number, expected: number) => {
      if (n < expected) lost.push(`${what}: ${n} of ${expected}`);
      if (n > expected) dup.push(`${what}: ${n}, expected ${expected}`);
    };
    const s = await w.amoStateNow();
    const sms = await smsPerNumber(w);
    const smsNotes = s.notes.filter((n) => n.note_type === "sms_out");
    for (let i = 0; i < DEALS; i++) {
      count(`SMS to deal ${i}`, sms.get(dealMobile(i)) ?? 0, 1);
      count(
        `SMS note on deal ${i}`,
        smsNotes.filter((n) => n.entity_type === "leads" && n.entity_id === dealId(i)).length,
        1,
      );
    }
    for (const c of calls)
      count(
        `call ${c.entryId} notes`,
        s.notes.filter((n) => n.note_type === "call_in" && n.params.uniq === c.entryId).length,
        1,
      );
    for (const number of new Set(calls.map((c) => c.number))) {
      const contacts = contactsWithPhone(s, number);
      count(`contacts of ${number}`, contacts.length, 1);
      const ids = new Set(contacts.map((c) => c.id));
      count(
        `deals of ${number}`,
        s.leads.filter((l) => l.id >= 9_000_000 && l.contacts.some((c) => ids.has(c.id))).length,
        1,
      );
    }
    const status = await applicationStatus(w.t.db, { tenantId: w.tenant.id, ruleId: w.rule.id });
    const failedRuns = rowsOf<{ job_id: string; last_error: string | null }>(
      await w.t.db.execute(sql`select job_id, last_error from job_runs where status = 'failed'`),
    );
    console.log(
      `R2 two instances (app process = intake routes + local job driver, no pages) on one PostgreSQL, apply to ` +
        `${DEALS} deals + ${CALLS} calls: 2 processes (${watch.workers.size} workers seen running jobs), ` +
        `${requests.length} amoCRM requests, peak ${peak}/s, ${refused} × 429, ${dup.length} duplicates, ` +
        `${lost.length} lost, ${failedRuns.length} runs failed`,
    );
    expect(refused).toBe(0);
    expect({ lost, dup }).toEqual({ lost: [], dup: [] });
    expect(status).toMatchObject({ status: "done", processed: DEALS, queued: DEALS, failed: 0 });
    expect(failedRuns).toEqual([]);
    expect(await unfinishedRuns(w.t.db)).toBe(0);
    // Both instances ran jobs.
    expect(watch.workers.size).toBe(2);
  });
});
