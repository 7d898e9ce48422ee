import { describe, expect, it } from "vitest";
import { CLIENT_SMS, NEGOTIATION } from "@/test/rules-fixtures";
import {
  APPLY_CURRENT_TRIGGER_MESSAGE,
  RULE_SCHEMA_VERSION,
  ruleDraftSchema,
  ruleSchema,
  upgradeStoredRule,
} from "./schema";

const draft = (over: Record<string, unknown> = {}) => ({
  ...NEGOTIATION,
  trigger: "responsible_changed",
  actions: [CLIENT_SMS],
  ...over,
});

describe("rule draft", () => {
  it("takes the acceptance-1 rule and fills defaults", () => {
    const parsed = ruleDraftSchema.parse(
      draft({
        conditions: {
          mode: "all",
          items: [
            { kind: "tag", op: "equals", value: "vip" },
            { kind: "budget", op: "gt", value: 50_000 },
          ],
        },
      }),
    );
    expect(parsed).toMatchObject({ enabled: true, name: "", applyToCurrentDeals: false });
    expect(parsed.actions[0]).toMatchObject({ kind: "sms", recipients: ["client"], fallback: null });
    expect(ruleDraftSchema.parse(draft()).conditions).toEqual({ mode: "all", items: [] });
  });

  it("takes the callback and campaign actions next to an SMS", () => {
    const parsed = ruleDraftSchema.parse(
      draft({
        actions: [
          CLIENT_SMS,
          { kind: "callback", target: { type: "responsible" } },
          { kind: "campaign", campaignId: 17775 },
        ],
      }),
    );
    expect(parsed.actions[1]).toEqual({
      kind: "callback",
      target: { type: "responsible" },
      lineNumber: null,
      taskOnFailure: false,
      stageOnSuccess: null,
      stageOnFailure: null,
    });
    expect(parsed.actions[2]).toEqual({
      kind: "campaign",
      campaignId: 17775,
      onNotReached: { task: false, stage: null },
    });
  });

  it.each([
    ["no action", { actions: [] }],
    ["two SMS actions", { actions: [CLIENT_SMS, CLIENT_SMS] }],
    ["a recipient twice", { actions: [{ ...CLIENT_SMS, recipients: ["client", "client"] }] }],
    ["no recipient", { actions: [{ ...CLIENT_SMS, recipients: [] }] }],
    ["a blank template", { actions: [{ ...CLIENT_SMS, template: "  " }] }],
    ["an unknown trigger", { trigger: "lead_deleted" }],
    ["a text budget", { conditions: { items: [{ kind: "budget", op: "gt", value: "50000" }] } }],
    [
      "custom field gt without a number",
      { conditions: { items: [{ kind: "custom_field", fieldId: 1, op: "gt", value: "5" }] } },
    ],
    [
      "custom field equals without a value",
      { conditions: { items: [{ kind: "custom_field", fieldId: 1, op: "equals" }] } },
    ],
    [
      "custom field empty with a value",
      { conditions: { items: [{ kind: "custom_field", fieldId: 1, op: "empty", value: "x" }] } },
    ],
  ])("refuses %s", (_label, over) => {
    expect(ruleDraftSchema.safeParse(draft(over)).success).toBe(false);
  });
});

describe("apply to current deals", () => {
  it("is taken with the stage-entry triggers", () => {
    for (const trigger of ["entered_stage", "created_in_stage"])
      expect(ruleDraftSchema.parse(draft({ trigger, applyToCurrentDeals: true })).applyToCurrentDeals).toBe(
        true,
      );
  });

  it.each(["deal_lost", "responsible_changed", "incoming_call"])(
    "is refused with %s, in Russian (every deal of the stage would be texted)",
    (trigger) => {
      const res = ruleDraftSchema.safeParse(draft({ trigger, applyToCurrentDeals: true }));
      expect(res.success).toBe(false);
      expect(res.error?.issues).toEqual([
        expect.objectContaining({ path: ["applyToCurrentDeals"], message: APPLY_CURRENT_TRIGGER_MESSAGE }),
      ]);
      expect(ruleDraftSchema.safeParse(draft({ trigger, applyToCurrentDeals: false })).success).toBe(true);
    },
  );

  it("still reads a stored rule saved with the flag before the check (the apply job refuses it)", () => {
    const stored = { ...draft(), applyToCurrentDeals: true, version: 1, id: "r1", authorAmoUserId: 501 };
    expect(upgradeStoredRule(stored)).toMatchObject({
      trigger: "responsible_changed",
      applyToCurrentDeals: true,
    });
  });
});

describe("stored rule", () => {
  it("records the version, id and author", () => {
    const stored = { ...draft(), version: RULE_SCHEMA_VERSION, id: "r1", authorAmoUserId: 501 };
    expect(upgradeStoredRule(stored)).toEqual(ruleSchema.parse(stored));
    expect(() => upgradeStoredRule({ ...stored, authorAmoUserId: undefined })).toThrow();
    expect(() => upgradeStoredRule({ ...stored, version: 99 })).toThrow();
  });
});

describe("the campaign action's «если оператор не смог дозвониться»", () => {
  it("reads a rule stored with a bare stage (or none) as that stage without a task", async () => {
    const { campaignActionSchema } = await import("./schema");
    const stage = { pipelineId: 1, statusId: 2 };
    expect(
      campaignActionSchema.parse({ kind: "campaign", campaignId: 5, onNotReached: stage }).onNotReached,
    ).toEqual({
      task: false,
      stage,
    });
    expect(
      campaignActionSchema.parse({ kind: "campaign", campaignId: 5, onNotReached: null }).onNotReached,
    ).toEqual({
      task: false,
      stage: null,
    });
    expect(
      campaignActionSchema.parse({ kind: "campaign", campaignId: 5, onNotReached: { task: true } })
        .onNotReached,
    ).toEqual({ task: true, stage: null });
  });
});
