import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmPipelines, amocrmUsers } from "@/db/schema";
import { createLocalWorker } from "@/inngest/local/worker";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { createTenant } from "@/server/tenancy/queries";
import { connect, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { directorySyncedAt } from "./amocrm-sync";
import { refreshStaleDirectories, syncDirectory } from "./jobs";

let t: TestDb;
let emu: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  t = await createTestDb();
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
  await t.drop();
});

describe("amoCRM directory refresh", () => {
  it("the hourly job refreshes a stale directory through a per-tenant job", async () => {
    const { baseUrl, pair } = await connect(emu, "demo");
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 1,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: baseUrl,
      name: "D",
    });
    await saveAmocrmTokens(t.db, { tenantId: tenant.id, tokens: pair });
    expect(await directorySyncedAt(t.db, { tenantId: tenant.id })).toBeNull();

    const worker = createLocalWorker({ db: t.db, definitions: [refreshStaleDirectories, syncDirectory] });
    while ((await worker.tick()) > 0) {}

    expect(await directorySyncedAt(t.db, { tenantId: tenant.id })).not.toBeNull();
    const users = await t.db.select().from(amocrmUsers).where(eq(amocrmUsers.tenantId, tenant.id));
    expect(users.length).toBeGreaterThanOrEqual(5);
    const pipelines = await t.db
      .select()
      .from(amocrmPipelines)
      .where(eq(amocrmPipelines.tenantId, tenant.id));
    expect(pipelines.length).toBe(2);
    // Fresh now: the next hourly run finds nothing to do.
    const again = createLocalWorker({ db: t.db, definitions: [syncDirectory] });
    expect(await again.tick()).toBe(0);
  });
});
