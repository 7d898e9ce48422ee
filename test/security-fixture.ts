import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { activityLog } from "@/db/schema";
import { defineJob } from "@/server/jobs/define";
import { insertJobRun, recordAttempt } from "@/server/jobs/runs";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import type { SecurityFixture, SessionIdentity } from "@/server/trpc/init";

/**
 * The data the shared security suite (server/trpc/security.int.test.ts) attacks: tenant A with one row of
 * everything, tenant B that must see none of it. A feature with new tenant-owned rows adds them here and
 * their ids to `SecurityFixture`; the suite itself never changes.
 */
export type SecurityWorld = {
  fx: SecurityFixture;
  sessions: { ownerA: SessionIdentity; memberA: SessionIdentity; ownerB: SessionIdentity };
  /** Strings that must never appear in anything tenant B is answered. */
  secretsOfA: string[];
};

const job = defineJob({
  id: "test.security",
  title: "t",
  payload: z.object({}),
  handler: async () => undefined,
});

export async function buildSecurityWorld(db: Db): Promise<SecurityWorld> {
  const a = await createTenant(db, {
    amocrmAccountId: 100,
    amocrmSubdomain: "alfa",
    amocrmBaseUrl: "http://a",
    name: "Альфа-Тенант",
  });
  const b = await createTenant(db, {
    amocrmAccountId: 200,
    amocrmSubdomain: "beta",
    amocrmBaseUrl: "http://b",
    name: "Бета",
  });
  const ownerA = await upsertUser(db, { amocrmUserId: 1001, name: "Владелец Альфы" });
  const memberA = await upsertUser(db, { amocrmUserId: 1002, name: "Сотрудник Альфы" });
  const ownerB = await upsertUser(db, { amocrmUserId: 2001, name: "Владелец Беты" });
  await addMembership(db, { tenantId: a.id, userId: ownerA.id, role: "owner" });
  await addMembership(db, { tenantId: a.id, userId: memberA.id, role: "member" });
  await addMembership(db, { tenantId: b.id, userId: ownerB.id, role: "owner" });

  const ok = await insertJobRun(db, job, {}, { tenantId: a.id, idempotencyKey: "ok", driver: "local" });
  const bad = await insertJobRun(db, job, {}, { tenantId: a.id, idempotencyKey: "bad", driver: "local" });
  await recordAttempt(
    db,
    job,
    bad.row,
    1,
    { kind: "failed", reason: "boom", retriable: false },
    { retryAt: null },
  );
  const entryOf = async (id: string) =>
    (await db.select().from(activityLog).where(eq(activityLog.sourceId, id)))[0]!.id;

  const fx: SecurityFixture = {
    tenantId: a.id,
    activityId: await entryOf(ok.runId),
    failedActivityId: await entryOf(bad.runId),
    memberUserId: memberA.id,
  };
  return {
    fx,
    sessions: {
      ownerA: { userId: ownerA.id, tenantId: a.id },
      memberA: { userId: memberA.id, tenantId: a.id },
      ownerB: { userId: ownerB.id, tenantId: b.id },
    },
    secretsOfA: [a.id, ownerA.id, memberA.id, fx.activityId, fx.failedActivityId, "Альфа"],
  };
}
