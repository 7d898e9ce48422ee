import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmocrmClient } from "@/server/amocrm";
import { createTenant } from "@/server/tenancy/queries";
import { connect, startEmulator } from "@/test/amocrm-emulator";
import { createTestDb, type TestDb } from "@/test/db";
import { CC_CONTACT_FIELDS, ccFieldState, ensureCcContactFields } from "./cc-fields";

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

describe("Contact Center contact fields", () => {
  it("are created once in the account, also when two connects race", async () => {
    const { baseUrl, pair } = await connect(emu, "demo");
    const client = () => createAmocrmClient({ baseUrl, getAccessToken: async () => pair.accessToken });
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 5,
      amocrmSubdomain: "demo",
      amocrmBaseUrl: baseUrl,
      name: "D",
    });

    const [a, b] = await Promise.all([
      ensureCcContactFields(t.db, { tenantId: tenant.id, clientFor: client }),
      ensureCcContactFields(t.db, { tenantId: tenant.id, clientFor: client }),
    ]);
    expect([...a.created, ...b.created].sort()).toEqual(["campaignId", "campaignName", "clientId"]);
    expect(a.ids).toEqual(b.ids);

    const fields = await client().listCustomFields("contacts");
    for (const name of Object.values(CC_CONTACT_FIELDS)) {
      expect(
        fields.filter((f) => f.name === name),
        name,
      ).toHaveLength(1);
    }
    // Running it again (the "Проверить настройки" button) creates nothing.
    const again = await ensureCcContactFields(t.db, { tenantId: tenant.id, clientFor: client });
    expect(again.created).toEqual([]);
    expect((await ccFieldState(t.db, { tenantId: tenant.id })).ids).toEqual(a.ids);
  });
});
