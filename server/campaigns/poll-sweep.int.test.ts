// The polling chain's safety net: `campaigns.poll-sweep` arms the next pass of a tenant whose open campaign
// tasks wait for a pass that is not coming (its last run failed for good; MANGO was disconnected when a
// pass came), once per minute whoever asks, and leaves alone chains that are alive, tenants without MANGO
// and other tenants.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { campaignTasks, jobRuns, mangoConnections } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, drainJobs, type TestDb } from "@/test/db";
import { sealCampaignPhone } from "./phone";
import { campaignPollSweepJob, pollCampaignTasksJob, tenantsWithStalledCampaignPolls } from "./poll-job";

let t: TestDb;
const tenantIds: Record<"stalled" | "alive" | "disconnected", string> = {
  stalled: "",
  alive: "",
  disconnected: "",
};

async function tenantWithOpenTask(
  n: number,
  o: { nextPollAgoMs: number; mango: "connected" | "failed" },
): Promise<string> {
  const tenant = await createTenant(t.db, {
    amocrmAccountId: 700 + n,
    amocrmSubdomain: `sweep${n}`,
    amocrmBaseUrl: `https://sweep${n}.amocrm.ru`,
    name: `Компания ${n}`,
  });
  await t.db.insert(mangoConnections).values({ tenantId: tenant.id, status: o.mango, keyHint: "ab…yz" });
  const id = crypto.randomUUID();
  await t.db.insert(campaignTasks).values({
    id,
    tenantId: tenant.id,
    leadId: 5000 + n,
    campaignId: 56919,
    campaignName: "Заявки с сайта",
    idempotencyKey: `sweep:${n}`,
    state: "added",
    mangoTaskId: 9_000_000 + n,
    nextPollAt: new Date(Date.now() - o.nextPollAgoMs),
    ...sealCampaignPhone({ tenantId: tenant.id, id }, `+7916555000${n}`),
  });
  return tenant.id;
}

const pollRuns = async (tenantId: string) =>
  t.db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, pollCampaignTasksJob.id)));

beforeAll(async () => {
  t = await createTestDb();
  tenantIds.stalled = await tenantWithOpenTask(1, { nextPollAgoMs: 3_600_000, mango: "connected" });
  tenantIds.alive = await tenantWithOpenTask(2, { nextPollAgoMs: 60_000, mango: "connected" });
  tenantIds.disconnected = await tenantWithOpenTask(3, { nextPollAgoMs: 3_600_000, mango: "failed" });
});
afterAll(async () => {
  await t?.drop();
});

it("arms the next pass of a stalled chain only, once however often it runs", async () => {
  expect(await tenantsWithStalledCampaignPolls(t.db)).toEqual([tenantIds.stalled]);

  const queue = createLocalQueue(t.db);
  // Two sweeps in the same minute (two instances, or a sweep retried): one pass.
  await queue.enqueue(campaignPollSweepJob, {}, { tenantId: null, idempotencyKey: "sweep:a" });
  await queue.enqueue(campaignPollSweepJob, {}, { tenantId: null, idempotencyKey: "sweep:b" });
  await drainJobs(t.db, [campaignPollSweepJob]);

  // (The local driver may add the cron's own slot: every sweep ran, together they armed one pass.)
  const sweeps = await t.db.select().from(jobRuns).where(eq(jobRuns.jobId, campaignPollSweepJob.id));
  expect(sweeps.length).toBeGreaterThanOrEqual(2);
  expect(sweeps.every((r) => r.status === "done")).toBe(true);
  const armed = sweeps.map((r) => (r.result as { armed: number }).armed);
  expect(armed.reduce((a, b) => a + b, 0)).toBe(1);
  const [pass, ...more] = await pollRuns(tenantIds.stalled);
  expect(more).toEqual([]);
  expect(pass).toMatchObject({ status: "queued", tenantId: tenantIds.stalled });
  // Due within the next minute or two, not at the stale moment.
  expect(pass!.runAt.getTime()).toBeGreaterThan(Date.now());
  expect(pass!.runAt.getTime()).toBeLessThan(Date.now() + 130_000);

  expect(await pollRuns(tenantIds.alive)).toEqual([]);
  expect(await pollRuns(tenantIds.disconnected)).toEqual([]);
});
