import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmPipelines, amocrmUsers, tenants } from "@/db/schema";
import { createLocalWorker } from "@/inngest/local/worker";
import { createAmocrmClient } from "@/server/amocrm";
import { saveAmocrmTokens } from "@/server/connections/amocrm-tokens";
import { createTenant } from "@/server/tenancy/queries";
import { connect, control, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { directorySyncedAt, syncAmocrmDirectory } from "./amocrm-sync";
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

  it("takes the account's time zone from amoCRM (datetime_settings.timezone) on every refresh", async () => {
    const { baseUrl, pair } = await connect(emu, "demo");
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 2,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: baseUrl,
      name: "D2",
    });
    const zoneOf = async () =>
      (await t.db.select().from(tenants).where(eq(tenants.id, tenant.id)))[0]!.timeZone;
    expect(await zoneOf()).toBe("Europe/Moscow");
    const client = createAmocrmClient({ baseUrl, getAccessToken: () => pair.accessToken });
    await control(emu, "/accounts", { subdomain: "demo", timezone: "Asia/Novosibirsk" });
    await syncAmocrmDirectory(t.db, { tenantId: tenant.id, client });
    expect(await zoneOf()).toBe("Asia/Novosibirsk");
    await control(emu, "/accounts", { subdomain: "demo", timezone: "Europe/Kaliningrad" });
    await syncAmocrmDirectory(t.db, { tenantId: tenant.id, client });
    expect(await zoneOf()).toBe("Europe/Kaliningrad");
    await control(emu, "/accounts", { subdomain: "demo", timezone: "Europe/Moscow" });
  });
});
