import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withOpenPhone } from "@/server/calls/phone";
import { createTenant } from "@/server/tenancy/queries";
import { CLIENT, leg, SHAPES, summary, type Wire } from "@/test/call-shapes";
import { createTestDb, type TestDb } from "@/test/db";
import { assembleCallEvent, findCallByEntry } from "./store";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

async function fold(tenantId: string, entryId: string, events: Wire[]) {
  for (const w of events)
    await assembleCallEvent(t.db, { tenantId, kind: w.kind, event: { ...w.json, entry_id: entryId } });
  return (await findCallByEntry(t.db, { tenantId, entryId }))!;
}

describe("the call's facts at rest", () => {
  it("a consultation transfer, in reverse order: one call, the last talker's, everyone named, no number in the facts", async () => {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 501,
      amocrmSubdomain: "f1",
      amocrmBaseUrl: "http://a",
      name: "F1",
    });
    const row = await fold(tenant.id, "F-1", [...SHAPES.consultationTransfer!.events].reverse());
    expect(row).toMatchObject({
      stage: "finished",
      direction: "incoming",
      answeredExtension: "102",
      talkedExtensions: ["101", "102"],
      talkSeconds: 125,
      directionNote: null,
    });
    expect(withOpenPhone(row).clientPhone).toBe(`+${CLIENT}`);
    expect(JSON.stringify([row.legs, row.summary])).not.toContain("9991234567");
  });

  it("a summary contradicting its legs is stored with the note, whichever came first", async () => {
    const tenant = await createTenant(t.db, {
      amocrmAccountId: 502,
      amocrmSubdomain: "f2",
      amocrmBaseUrl: "http://a",
      name: "F2",
    });
    const ext = { extension: "101", number: "sip:u101@vpbx.mangosip.ru" };
    const events = [
      summary(1, ext, { number: CLIENT }, { c: 100, talk: 105, e: 140 }),
      ...leg("x1", ext, { number: CLIENT }, { a: 100, c: 105, d: 140 }),
    ];
    const first = await fold(tenant.id, "F-2", events);
    const last = await fold(tenant.id, "F-3", [...events].reverse());
    for (const row of [first, last])
      expect(row).toMatchObject({
        direction: "outgoing",
        callerExtension: "101",
        directionNote:
          "MANGO назвал звонок входящим, но сотрудник 101 звонил на внешний номер — записан как исходящий",
      });
  });
});
