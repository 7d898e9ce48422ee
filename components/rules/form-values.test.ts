import { describe, expect, it } from "vitest";
import { ruleDraftSchema, ruleSchema } from "@/lib/domain/rules/schema";
import { formMessageOf, formPathOf } from "./form-issues";
import {
  draftOf,
  emptyCallback,
  emptyCampaign,
  emptyForm,
  formFromRule,
  newCondition,
  ruleFormSchema,
  ruleFormSchemaWithoutSms,
} from "./form-values";

const STAGE = { pipelineId: 3383152, statusId: 33929755 };
const names = { users: new Map([[6100100, "Лопаткин Василий"]]), fields: new Map([[294471, "Комментарий"]]) };
const TEMPLATE = "Добрый день, {{maincontact.name}}! Ваш менеджер {{user.name}}, доб.{{user.phone}}";

describe("the rule form", () => {
  it("turns the typed form into the draft rules.save validates, and back", () => {
    const values = {
      ...emptyForm("AMANGO"),
      name: "VIP",
      trigger: "responsible_changed" as const,
      conditions: [
        { ...newCondition("tag"), value: " vip " },
        { ...newCondition("budget"), op: "gt", value: "50 000" },
        { ...newCondition("responsible"), userId: "6100100" },
        { ...newCondition("custom_field"), fieldId: "294471", op: "not_empty" },
      ],
      template: TEMPLATE,
    };
    expect(ruleFormSchema.safeParse(values).success).toBe(true);
    const draft = draftOf(values, STAGE, names);
    expect(ruleDraftSchema.parse(draft)).toEqual(draft);
    expect(draft.conditions.items).toEqual([
      { kind: "tag", op: "equals", value: "vip" },
      { kind: "budget", op: "gt", value: 50_000 },
      { kind: "responsible", userId: 6100100, userName: "Лопаткин Василий" },
      { kind: "custom_field", fieldId: 294471, fieldName: "Комментарий", op: "not_empty", value: undefined },
    ]);
    expect(draft.actions).toEqual([
      { kind: "sms", recipients: ["client"], senderName: "AMANGO", template: TEMPLATE, fallback: null },
    ]);
    const stored = ruleSchema.parse({ ...draft, version: 1, id: "r1", authorAmoUserId: 1 });
    expect(draftOf(formFromRule(stored), STAGE, names)).toEqual(ruleDraftSchema.parse(draft));
  });

  it("keeps a rule's other actions (callback) when the SMS part is saved", () => {
    const stored = ruleSchema.parse({
      ...STAGE,
      version: 1,
      id: "r2",
      authorAmoUserId: 1,
      trigger: "entered_stage",
      actions: [
        { kind: "callback", target: { type: "responsible" } },
        { kind: "sms", recipients: ["client"], senderName: "X", template: "Hi" },
      ],
    });
    const draft = draftOf(formFromRule(stored), STAGE, names, stored.actions);
    expect(draft.actions.map((a) => a.kind)).toEqual(["sms", "callback"]);
  });

  it("refuses what the server would refuse, with message keys", () => {
    const bad = {
      ...emptyForm(""),
      trigger: "invoice_paid" as const,
      recipients: { client: false, responsible: false, author: false },
      template: `${"я".repeat(260)} {{lead.prise}}`,
      conditions: [{ ...newCondition("budget"), value: "много" }],
    };
    const result = ruleFormSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(
      result.error!.issues.map((i) => [i.path.join("."), formMessageOf(i)]),
    );
    expect(messages).toMatchObject({
      trigger: "triggerUnavailable",
      recipients: "recipients",
      senderName: "senderRequired",
      template: "unknownMacro",
      "conditions.0.value": "number",
    });
    const long = ruleFormSchema.safeParse({ ...emptyForm("A"), template: "я".repeat(269) });
    expect(long.error?.issues.map(formMessageOf)).toEqual(["overLimit"]);
  });

  it("opens a rule with «Применить…» unchecked: it is a one-shot action, not a stored setting", () => {
    const stored = ruleSchema.parse({
      ...STAGE,
      version: 1,
      id: "r3",
      authorAmoUserId: 1,
      trigger: "entered_stage",
      applyToCurrentDeals: true,
      actions: [{ kind: "sms", recipients: ["client"], senderName: "X", template: "Hi" }],
    });
    const values = formFromRule(stored);
    expect(values.applyToCurrentDeals).toBe(false);
    expect(draftOf(values, STAGE, names).applyToCurrentDeals).toBe(false);
    expect(draftOf({ ...values, applyToCurrentDeals: true }, STAGE, names).applyToCurrentDeals).toBe(true);
  });

  it("drops «Применить…» when the trigger was changed to one it does not apply to", () => {
    const values = { ...emptyForm("A"), template: "Hi", applyToCurrentDeals: true };
    expect(draftOf({ ...values, trigger: "created_in_stage" }, STAGE, names).applyToCurrentDeals).toBe(true);
    const lost = draftOf({ ...values, trigger: "deal_lost" }, STAGE, names);
    expect(lost.applyToCurrentDeals).toBe(false);
    expect(ruleDraftSchema.safeParse(lost).success).toBe(true);
  });

  it("makes a callback-only rule: group, line, task and stages, and reads it back", () => {
    const values = {
      ...emptyForm(""),
      name: "Перезвон",
      smsEnabled: false,
      callback: {
        ...emptyCallback(),
        enabled: true,
        targetType: "group" as const,
        mangoGroupId: "12",
        lineNumber: "74950000000",
        taskOnFailure: true,
        stageOnFailure: `${STAGE.pipelineId}:${STAGE.statusId}`,
      },
    };
    expect(ruleFormSchemaWithoutSms.safeParse(values).success).toBe(true);
    const draft = draftOf(values, STAGE, { ...names, groups: new Map([[12, "Продажи"]]) });
    expect(draft.actions).toEqual([
      {
        kind: "callback",
        target: { type: "group", mangoGroupId: 12, groupName: "Продажи" },
        lineNumber: "74950000000",
        taskOnFailure: true,
        stageOnSuccess: null,
        stageOnFailure: STAGE,
      },
    ]);
    expect(ruleDraftSchema.safeParse(draft).success).toBe(true);
    const stored = ruleSchema.parse({
      ...ruleDraftSchema.parse(draft),
      version: 1,
      id: "r3",
      authorAmoUserId: 1,
    });
    expect(formFromRule(stored)).toMatchObject({ smsEnabled: false, callback: values.callback });

    // A group needs a line, an employee target an employee; no action at all is refused.
    const noLine = ruleFormSchemaWithoutSms.safeParse({
      ...values,
      callback: { ...values.callback, lineNumber: "" },
    });
    expect(noLine.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["callback.lineNumber", "lineRequired"],
    ]);
    const noEmployee = ruleFormSchemaWithoutSms.safeParse({
      ...values,
      callback: { ...values.callback, targetType: "employee" },
    });
    expect(noEmployee.error?.issues.map((i) => i.message)).toEqual(["employeeRequired"]);
    const nothing = ruleFormSchemaWithoutSms.safeParse({ ...values, callback: emptyCallback() });
    expect(nothing.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["smsEnabled", "noActions"],
    ]);
  });

  it("makes a campaign-only rule: campaign with its name, task and stage if not reached, and reads it back", () => {
    const values = {
      ...emptyForm(""),
      name: "В обзвон",
      smsEnabled: false,
      campaign: {
        ...emptyCampaign(),
        enabled: true,
        campaignId: "56919",
        campaignName: "Заявки с сайта",
        task: true,
        stage: `${STAGE.pipelineId}:${STAGE.statusId}`,
      },
    };
    expect(ruleFormSchemaWithoutSms.safeParse(values).success).toBe(true);
    const draft = draftOf(values, STAGE, names);
    expect(draft.actions).toEqual([
      {
        kind: "campaign",
        campaignId: 56919,
        campaignName: "Заявки с сайта",
        onNotReached: { task: true, stage: STAGE },
      },
    ]);
    const parsed = ruleDraftSchema.parse(draft);
    expect(parsed.actions).toEqual(draft.actions);
    const stored = ruleSchema.parse({ ...parsed, version: 1, id: "r4", authorAmoUserId: 1 });
    const back = formFromRule(stored);
    expect(back).toMatchObject({ smsEnabled: false, campaign: values.campaign, callback: emptyCallback() });
    expect(draftOf(back, STAGE, names)).toEqual(draft);

    // Nothing chosen for «не дозвонились»: no task, no stage; a rule stored with a bare stage reads as it.
    const plain = draftOf(
      { ...values, campaign: { ...values.campaign, task: false, stage: "" } },
      STAGE,
      names,
    );
    expect(plain.actions[0]).toMatchObject({ onNotReached: { task: false, stage: null } });
    const legacy = ruleSchema.parse({
      ...stored,
      actions: [{ kind: "campaign", campaignId: 77002, onNotReached: STAGE }],
    });
    expect(formFromRule(legacy).campaign).toEqual({
      enabled: true,
      campaignId: "77002",
      campaignName: "",
      task: false,
      stage: `${STAGE.pipelineId}:${STAGE.statusId}`,
    });
    // Without a name (MANGO did not list it), none is invented.
    expect(draftOf(formFromRule(legacy), STAGE, names).actions).toEqual([
      { kind: "campaign", campaignId: 77002, onNotReached: { task: false, stage: STAGE } },
    ]);

    // The campaign is required once the action is on; the server's issue lands on the picker.
    const none = ruleFormSchemaWithoutSms.safeParse({
      ...values,
      campaign: { ...values.campaign, campaignId: "" },
    });
    expect(none.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["campaign.campaignId", "campaignRequired"],
    ]);
    expect(formPathOf("rule.actions.1.campaignId")).toBe("campaign.campaignId");
    const nothing = ruleFormSchemaWithoutSms.safeParse({ ...values, campaign: emptyCampaign() });
    expect(nothing.error?.issues.map((i) => i.message)).toEqual(["noActions"]);
  });

  it("edits a rule's SMS, callback and campaign together, in that order", () => {
    const stored = ruleSchema.parse({
      ...STAGE,
      version: 1,
      id: "r5",
      authorAmoUserId: 1,
      trigger: "entered_stage",
      actions: [
        { kind: "campaign", campaignId: 56919, campaignName: "Заявки с сайта", onNotReached: null },
        { kind: "callback", target: { type: "responsible" } },
        { kind: "sms", recipients: ["client"], senderName: "X", template: "Hi" },
      ],
    });
    const values = formFromRule(stored);
    expect(values.smsEnabled).toBe(true);
    const draft = draftOf(values, STAGE, names, stored.actions);
    expect(draft.actions.map((a) => a.kind)).toEqual(["sms", "callback", "campaign"]);
    // Switched off in the form: the action leaves the rule (not kept from the stored one).
    const off = draftOf(
      { ...values, campaign: { ...values.campaign, enabled: false } },
      STAGE,
      names,
      stored.actions,
    );
    expect(off.actions.map((a) => a.kind)).toEqual(["sms", "callback"]);
  });
});
