import { createTenant } from "@/server/tenancy/queries";
import { createTestDb, type TestDb } from "@/test/db";

/** A fresh test database holding one tenant: what the job driver tests run their runs under. */
export async function oneTenantDb(amocrmAccountId = 1): Promise<{ t: TestDb; tenantId: string }> {
  const t = await createTestDb();
  const tenant = await createTenant(t.db, {
    amocrmAccountId,
    amocrmSubdomain: `t${amocrmAccountId}`,
    amocrmBaseUrl: "http://x",
    name: `T${amocrmAccountId}`,
  });
  return { t, tenantId: tenant.id };
}

/** A controllable clock: the driver never reads the wall clock in these tests. */
export function fakeClock(start = new Date("2026-11-25T10:00:00.000Z")) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (d: Date) => (now = d.getTime()),
    advance: (ms: number) => (now += ms),
  };
}
