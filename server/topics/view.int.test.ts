// Issue 14: what the Calls page reads of a call's Contact Center topics — the three states as stored, and
// another tenant's rows never, even when asked for its call ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls, callTopics } from "@/db/schema";
import { createTestDb, type TestDb } from "@/test/db";
import { createTwoTenants } from "@/test/two-tenants";
import { callTopicsOf } from "./view";

let t: TestDb;
let tenantId: string;
let otherTenantId: string;
const ids: Record<string, string> = {};
const STARTED = new Date("2026-11-20T09:00:00Z");
const DEADLINE = new Date("2026-11-20T10:00:00Z");

async function addCall(name: string, tenant: string) {
  const [row] = await t.db
    .insert(calls)
    .values({ tenantId: tenant, entryId: `entry-${name}`, stage: "finished", startedAt: STARTED })
    .returning();
  ids[name] = row!.id;
}

async function addTopics(name: string, tenant: string, v: Partial<typeof callTopics.$inferInsert>) {
  await t.db.insert(callTopics).values({
    tenantId: tenant,
    callId: ids[name]!,
    entryId: `entry-${name}`,
    campaignCall: true,
    deadlineAt: DEADLINE,
    ...v,
  });
}

beforeAll(async () => {
  t = await createTestDb();
  ({ tenantId, otherTenantId } = await createTwoTenants(t.db));
  for (const n of ["waiting", "saved", "skipped", "none"]) await addCall(n, tenantId);
  await addCall("foreign", otherTenantId);
  await addTopics("waiting", tenantId, {
    state: "waiting",
    polls: 2,
    nextPollAt: new Date("2026-11-20T09:05:00Z"),
  });
  await addTopics("saved", tenantId, {
    state: "saved",
    topicIds: [11, 12],
    topicPaths: ["Продажи / Консультация", "Доставка"],
    comment: "Перезвонить после обеда",
    leadId: 9001,
    contactId: 7001,
    placement: "new_deal",
    finishedAt: new Date("2026-11-20T09:10:00Z"),
  });
  await addTopics("skipped", tenantId, {
    state: "skipped",
    reason: "За час тематики и комментарий не появились",
    finishedAt: DEADLINE,
  });
  await addTopics("foreign", otherTenantId, {
    state: "saved",
    topicPaths: ["Чужая тематика"],
    leadId: 6666,
  });
});
afterAll(() => t.drop());

describe("callTopicsOf", () => {
  it("gives each call's state, next poll, deal, topic paths, comment and reason; no row, no entry", async () => {
    const view = await callTopicsOf(t.db, {
      tenantId,
      callIds: ["waiting", "saved", "skipped", "none"].map((n) => ids[n]!),
    });
    expect(view.get(ids.waiting!)).toEqual({
      state: "waiting",
      nextPollAt: "2026-11-20T09:05:00.000Z",
      leadId: null,
      topicPaths: [],
      comment: null,
      reason: null,
    });
    expect(view.get(ids.saved!)).toEqual({
      state: "saved",
      nextPollAt: null,
      leadId: 9001,
      topicPaths: ["Продажи / Консультация", "Доставка"],
      comment: "Перезвонить после обеда",
      reason: null,
    });
    expect(view.get(ids.skipped!)).toMatchObject({
      state: "skipped",
      leadId: null,
      reason: "За час тематики и комментарий не появились",
    });
    expect(view.has(ids.none!)).toBe(false);
    expect(view.size).toBe(3);
  });

  it("never returns another tenant's rows, even for its call ids", async () => {
    const view = await callTopicsOf(t.db, { tenantId, callIds: [ids.foreign!, ids.saved!] });
    expect([...view.keys()]).toEqual([ids.saved]);
    expect(JSON.stringify([...view.values()])).not.toContain("Чужая");
    const theirs = await callTopicsOf(t.db, { tenantId: otherTenantId, callIds: [ids.saved!, ids.waiting!] });
    expect(theirs.size).toBe(0);
  });

  it("asks nothing for no calls", async () => {
    expect((await callTopicsOf(t.db, { tenantId, callIds: [] })).size).toBe(0);
  });
});
