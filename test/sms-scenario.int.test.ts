import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, employeeLinks, mangoEmployees } from "@/db/schema";
import { createMangoClient } from "@/server/mango/api";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { SCENARIO, seedSmsScenario } from "./sms-scenario";

/** The issue 7 acceptance world is in both emulators (read through their own APIs) and in our database. */
let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
  await seedSmsScenario({ amocrmUrl: w.amo.url, mangoUrl: w.mango.url, db: w.t.db, tenantId: w.tenant.id });
  // Twice: the scenario replaces its own entities instead of adding copies.
  await seedSmsScenario({ amocrmUrl: w.amo.url, mangoUrl: w.mango.url, db: w.t.db, tenantId: w.tenant.id });
});
afterAll(() => w.close());

describe("the amoCRM emulator, through API v4", () => {
  it("has the vip deal in «Переговоры» with Олег as its main contact and another responsible", async () => {
    const amo = await w.amocrm();
    const deal = await amo.getLead(SCENARIO.vipDeal.leadId, { withContacts: true });
    expect(deal).toMatchObject({
      price: 75_000,
      pipelineId: 3383152,
      statusId: SCENARIO.negotiation.statusId,
      tags: [{ name: "vip" }],
      contacts: [{ id: SCENARIO.oleg.contactId, isMain: true }],
    });
    expect(deal!.responsibleUserId).not.toBe(SCENARIO.lopatkin.amoUserId);
    const plain = await amo.getLead(SCENARIO.plainDeal.leadId);
    expect(plain).toMatchObject({ statusId: SCENARIO.negotiation.statusId, price: 75_000, tags: [] });
  });

  it("has Олег with a mobile marked MOB after a work phone", async () => {
    const oleg = await (await w.amocrm()).getContact(SCENARIO.oleg.contactId);
    expect(oleg?.name).toBe("Олег");
    expect(oleg?.phones).toEqual([
      { value: SCENARIO.oleg.workPhone, enumCode: "WORK" },
      { value: SCENARIO.oleg.mobile, enumCode: "MOB" },
    ]);
  });

  it("lists Лопаткин Василий, Белова Ирина and Орлов Пётр among the users", async () => {
    const users = await (await w.amocrm()).listUsers();
    const names = users.map((u) => u.name);
    expect(names).toEqual(expect.arrayContaining(["Лопаткин Василий", "Белова Ирина", "Орлов Пётр"]));
    expect(users.filter((u) => u.name === "Лопаткин Василий")).toHaveLength(1);
  });
});

describe("the MANGO emulator, through config/users/request", () => {
  it("has extension 100 with a mobile and 106 without", async () => {
    const mango = createMangoClient({
      baseUrl: `${w.mango.url}/vpbx`,
      apiKey: "demo-vpbx-key",
      salt: "demo-vpbx-salt",
    });
    const users = await mango.getUsers();
    const ext100 = users.filter((u) => u.extension === "100");
    expect(ext100).toHaveLength(1);
    expect(ext100[0]).toMatchObject({ name: "Лопаткин Василий", mobilePhone: SCENARIO.lopatkin.mobile });
    expect(users.find((u) => u.extension === "106")?.mobilePhone ?? null).toBeNull();
  });
});

describe("our database", () => {
  it("pairs Лопаткин with 100 (mobile), Белова with 106 (none) and leaves Орлов unpaired", async () => {
    const { db } = w.t;
    const rows = await db
      .select({
        amoUserId: employeeLinks.amoUserId,
        extension: mangoEmployees.extension,
        mobile: mangoEmployees.mobile,
      })
      .from(employeeLinks)
      .innerJoin(mangoEmployees, eq(mangoEmployees.id, employeeLinks.mangoEmployeeId))
      .where(eq(employeeLinks.tenantId, w.tenant.id));
    const of = (amoUserId: number) => rows.filter((r) => r.amoUserId === amoUserId);
    expect(of(SCENARIO.lopatkin.amoUserId)).toEqual([
      { amoUserId: SCENARIO.lopatkin.amoUserId, extension: "100", mobile: SCENARIO.lopatkin.mobile },
    ]);
    expect(of(SCENARIO.noMobile.amoUserId)).toEqual([
      { amoUserId: SCENARIO.noMobile.amoUserId, extension: "106", mobile: null },
    ]);
    expect(of(SCENARIO.unpaired.amoUserId)).toEqual([]);
    const [orlov] = await db
      .select()
      .from(amocrmUsers)
      .where(
        and(eq(amocrmUsers.tenantId, w.tenant.id), eq(amocrmUsers.amoUserId, SCENARIO.unpaired.amoUserId)),
      );
    expect(orlov?.name).toBe("Орлов Пётр");
  });
});
