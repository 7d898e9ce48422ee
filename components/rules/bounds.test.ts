import { describe, expect, it } from "vitest";
import { formMessageOf } from "@/components/rules/form-issues";
import { emptyForm, newCondition, ruleFormSchema } from "@/components/rules/form-values";
import { ruleDraftSchema, ruleSchema } from "@/lib/domain/rules/schema";
import { CLIENT_SMS, NEGOTIATION } from "@/test/rules-fixtures";

/** Issue 11 §5 / acceptance 5: every text of a rule bounded, refused with its limit, the same in the form. */

const draft = (over: Record<string, unknown> = {}, sms: Record<string, unknown> = {}) => ({
  ...NEGOTIATION,
  trigger: "entered_stage",
  actions: [{ ...CLIENT_SMS, ...sms }],
  ...over,
});
const issuesOf = (value: unknown) => {
  const parsed = ruleDraftSchema.safeParse(value);
  expect(parsed.success).toBe(false);
  return parsed.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};
const budget = (value: number) => ({
  conditions: { mode: "all", items: [{ kind: "budget", op: "gt", value }] },
});

describe("the rule schema (rules.save)", () => {
  it("refuses a 10,000-character rule name, saying the limit", () => {
    expect(issuesOf(draft({ name: "Я".repeat(10_000) }))).toEqual([
      { path: "name", message: "Не длиннее 120 символов" },
    ]);
    expect(ruleDraftSchema.safeParse(draft({ name: "Я".repeat(120) })).success).toBe(true);
  });

  it("refuses a 10,000-character sender name, saying MANGO's alpha-name limit of 11", () => {
    expect(issuesOf(draft({}, { senderName: "A".repeat(10_000) }))).toEqual([
      { path: "actions.0.senderName", message: "Не длиннее 11 символов" },
    ]);
    expect(ruleDraftSchema.safeParse(draft({}, { senderName: "Amango-Demo" })).success).toBe(true);
    expect(ruleDraftSchema.safeParse(draft({}, { senderName: "PRO-TAXI" })).success).toBe(true);
  });

  it("refuses a sender name operators would not register (Cyrillic, leading sign)", () => {
    for (const senderName of ["Ромашка", "-AMANGO", "AM@NGO"])
      expect(issuesOf(draft({}, { senderName }))[0]).toMatchObject({
        path: "actions.0.senderName",
        message: expect.stringContaining("латинские буквы, цифры"),
      });
  });

  it("calls a negative budget negative, and bounds it at a trillion", () => {
    expect(issuesOf(draft(budget(-5)))).toEqual([
      { path: "conditions.items.0.value", message: "Число не может быть отрицательным" },
    ]);
    expect(issuesOf(draft(budget(1e13)))[0]!.message).toBe("Не больше 1 000 000 000 000");
    expect(issuesOf(draft(budget(10.5)))[0]!.message).toBe("Нужно целое число");
    expect(ruleDraftSchema.safeParse(draft(budget(0))).success).toBe(true);
  });

  it("bounds tag names, field values, the fallback and the template, each with its limit", () => {
    const cond = (item: Record<string, unknown>) => ({ conditions: { mode: "all", items: [item] } });
    expect(issuesOf(draft(cond({ kind: "tag", op: "equals", value: "x".repeat(101) })))[0]).toEqual({
      path: "conditions.items.0.value",
      message: "Не длиннее 100 символов",
    });
    const field = { kind: "custom_field", fieldId: 1, op: "gt" };
    expect(issuesOf(draft(cond({ ...field, value: -2e12 })))[0]!.message).toBe(
      "Не меньше -1 000 000 000 000",
    );
    expect(ruleDraftSchema.safeParse(draft(cond({ ...field, value: -5 }))).success).toBe(true);
    expect(issuesOf(draft({}, { fallback: "x".repeat(201) }))[0]!.message).toBe("Не длиннее 200 символов");
    expect(issuesOf(draft({}, { template: "x".repeat(2001) }))[0]!.message).toBe("Не длиннее 2000 символов");
  });

  it("still reads a stored rule whose sender name predates the 11-character bound", () => {
    const stored = {
      ...draft({}, { senderName: "Romashka-Service" }),
      version: 1,
      id: "r",
      authorAmoUserId: 1,
    };
    expect(ruleSchema.parse(stored).actions[0]).toMatchObject({ senderName: "Romashka-Service" });
  });
});

describe("the rule form agrees with it", () => {
  const formIssues = (over: Record<string, unknown>) => {
    const parsed = ruleFormSchema.safeParse({ ...emptyForm("AMANGO"), template: "Привет", ...over });
    expect(parsed.success).toBe(false);
    return Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join("."), formMessageOf(i)]));
  };

  it("refuses the same 10,000-character name and sender with the same limits", () => {
    expect(formIssues({ name: "Я".repeat(10_000), senderName: "A".repeat(10_000) })).toEqual({
      name: "tooLong:120",
      senderName: "tooLong:11",
    });
  });

  it("says «negative» for -5 and «number» only for what is no number", () => {
    const row = (value: string) => ({ conditions: [{ ...newCondition("budget"), value }] });
    expect(formIssues(row("-5"))).toEqual({ "conditions.0.value": "negative" });
    expect(formIssues(row("много"))).toEqual({ "conditions.0.value": "number" });
    expect(formIssues(row("10 000 000 000 000"))).toEqual({ "conditions.0.value": "tooBig:1000000000000" });
    expect(formIssues(row("1,5"))).toEqual({ "conditions.0.value": "integer" });
  });

  it("bounds the tag and sender format as the server does", () => {
    const tag = { conditions: [{ ...newCondition("tag"), value: "x".repeat(101) }] };
    expect(formIssues(tag)).toEqual({ "conditions.0.value": "tooLong:100" });
    expect(formIssues({ senderName: "Ромашка" })).toEqual({ senderName: "senderFormat" });
  });
});
