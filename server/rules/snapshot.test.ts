import { describe, expect, it } from "vitest";
import { field, NEGOTIATION, RESPONSIBLE_CHANGED, rule } from "@/test/rules-fixtures";
import { evaluateRule } from "./evaluate";
import { dealSnapshotFrom } from "./snapshot";

describe("snapshot from amoCRM domain types", () => {
  it("keeps tag names, custom fields and the main contact's phones with enum codes", () => {
    const s = dealSnapshotFrom({
      lead: {
        id: 1,
        name: "L",
        price: 60_000,
        pipelineId: NEGOTIATION.pipelineId,
        statusId: NEGOTIATION.statusId,
        responsibleUserId: 502,
        groupId: null,
        lossReasonId: null,
        createdAt: null,
        updatedAt: null,
        closedAt: null,
        isDeleted: false,
        tags: [{ id: 1, name: "vip", color: null }],
        contacts: [{ id: 7001, isMain: true }],
        companyIds: [],
        customFields: [field(101, "Город", "Москва")],
      },
      mainContact: {
        id: 7001,
        name: "Олег",
        firstName: "Олег",
        lastName: null,
        phones: [{ value: "+79161234567", enumCode: "MOB" }],
        emails: [],
        responsibleUserId: null,
        groupId: null,
        createdAt: null,
        updatedAt: null,
        tags: [],
        leadIds: [],
        customFields: [],
      },
      event: RESPONSIBLE_CHANGED,
      responsibleUserName: "Лопаткин Василий",
    });
    expect(s.deal.tags).toEqual(["vip"]);
    expect(s.mainContact?.phones).toEqual([{ value: "+79161234567", enumCode: "MOB" }]);
    expect(
      evaluateRule(
        rule({
          trigger: "responsible_changed",
          conditions: { mode: "all", items: [{ kind: "tag", op: "equals", value: "vip" }] },
        }),
        s,
      ).matches,
    ).toBe(true);
  });
});
