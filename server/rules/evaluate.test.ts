import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/domain/rules/schema";
import { deal, field, NEGOTIATION, RESPONSIBLE_CHANGED, rule } from "@/test/rules-fixtures";
import { evaluateRule, failureOf, formatAmount, rulesToRun } from "./evaluate";

const d = (over: Parameters<typeof deal>[0] = {}) => deal(over).deal;

describe("acceptance 1: tag = vip and budget > 50 000 on responsible changed", () => {
  const vipRule = rule({
    trigger: "responsible_changed",
    conditions: {
      mode: "all",
      items: [
        { kind: "tag", op: "equals", value: "vip" },
        { kind: "budget", op: "gt", value: 50_000 },
      ],
    },
  });

  it("matches a vip deal at 60 000", () => {
    expect(evaluateRule(vipRule, deal({ tags: ["vip"], price: 60_000 }))).toEqual({ matches: true });
  });

  it("skips a deal without the vip tag and names the tag condition", () => {
    const result = evaluateRule(vipRule, deal({ tags: ["new"], price: 60_000 }));
    expect(result).toEqual({
      matches: false,
      failed: { condition: vipRule.conditions.items[0], reason: "Нет тега «vip» (теги сделки: new)" },
    });
  });

  it("skips a vip deal at 30 000 with the budget reason", () => {
    const result = evaluateRule(vipRule, deal({ price: 30_000 }));
    expect(result.matches === false && result.failed.reason).toBe("Бюджет 30 000 ≤ 50 000");
  });

  it("is picked only for its stage and trigger", () => {
    expect(rulesToRun([vipRule], RESPONSIBLE_CHANGED)).toEqual([vipRule]);
    expect(rulesToRun([vipRule], { ...RESPONSIBLE_CHANGED, trigger: "entered_stage" })).toEqual([]);
    expect(rulesToRun([vipRule], { ...RESPONSIBLE_CHANGED, statusId: 142 })).toEqual([]);
    expect(rulesToRun([vipRule], { ...RESPONSIBLE_CHANGED, pipelineId: 1 })).toEqual([]);
  });
});

describe("acceptance 6: two rules on one stage", () => {
  it("both are selected and both match a deal meeting both", () => {
    const byTag = rule({
      trigger: "entered_stage",
      conditions: { mode: "all", items: [{ kind: "tag", op: "equals", value: "vip" }] },
    });
    const byBudget = rule({
      trigger: "entered_stage",
      conditions: { mode: "all", items: [{ kind: "budget", op: "gt", value: 10_000 }] },
    });
    const otherStage = rule({ trigger: "entered_stage", statusId: 142 });
    const disabled = rule({ trigger: "entered_stage", enabled: false });
    const event = { ...NEGOTIATION, trigger: "entered_stage" as const, occurrence: "dp:14:1" };

    const picked = rulesToRun([byTag, otherStage, byBudget, disabled], event);
    expect(picked.map((r) => r.id)).toEqual([byTag.id, byBudget.id]);
    const snapshot = deal({ tags: ["VIP"], price: 20_000 }, event);
    expect(picked.map((r) => evaluateRule(r, snapshot).matches)).toEqual([true, true]);
  });
});

describe("all / any", () => {
  const items: Condition[] = [
    { kind: "tag", op: "equals", value: "vip" },
    { kind: "budget", op: "gt", value: 50_000 },
  ];

  it("all: the first failing item is reported", () => {
    const r = evaluateRule(
      rule({ trigger: "entered_stage", conditions: { mode: "all", items } }),
      deal({ tags: [], price: 1 }),
    );
    expect(r).toEqual({
      matches: false,
      failed: { condition: items[0], reason: "Нет тега «vip» (у сделки нет тегов)" },
    });
  });

  it("any: one holding item is enough", () => {
    const anyRule = rule({ trigger: "entered_stage", conditions: { mode: "any", items } });
    expect(evaluateRule(anyRule, deal({ tags: [], price: 60_000 })).matches).toBe(true);
    expect(evaluateRule(anyRule, deal({ tags: ["vip"], price: 0 })).matches).toBe(true);
  });

  it("any: when nothing holds, every reason is named", () => {
    const anyRule = rule({ trigger: "entered_stage", conditions: { mode: "any", items } });
    const r = evaluateRule(anyRule, deal({ tags: [], price: 30_000 }));
    expect(r).toEqual({
      matches: false,
      failed: {
        condition: items[0],
        reason:
          "Не выполнено ни одно из условий: Нет тега «vip» (у сделки нет тегов); Бюджет 30 000 ≤ 50 000",
      },
    });
  });

  it("no conditions: every deal matches, in both modes", () => {
    expect(evaluateRule(rule({ trigger: "entered_stage" }), deal()).matches).toBe(true);
    const any = rule({ trigger: "entered_stage", conditions: { mode: "any", items: [] } });
    expect(evaluateRule(any, deal()).matches).toBe(true);
  });
});

describe("tag", () => {
  it("equals ignores case and surrounding spaces", () => {
    expect(failureOf({ kind: "tag", op: "equals", value: "VIP" }, d({ tags: [" vip "] }))).toBeNull();
    expect(failureOf({ kind: "tag", op: "equals", value: "vip" }, d({ tags: ["vip-client"] }))).toBe(
      "Нет тега «vip» (теги сделки: vip-client)",
    );
  });

  it("contains matches part of a tag name", () => {
    expect(failureOf({ kind: "tag", op: "contains", value: "vip" }, d({ tags: ["Клиент VIP"] }))).toBeNull();
    expect(failureOf({ kind: "tag", op: "contains", value: "опт" }, d({ tags: ["розница", "new"] }))).toBe(
      "Нет тега, содержащего «опт» (теги сделки: розница, new)",
    );
  });
});

describe("budget", () => {
  it.each([
    ["gt", 50_000, 60_000, null],
    ["gt", 50_000, 50_000, "Бюджет 50 000 ≤ 50 000"],
    ["lt", 50_000, 10_000, null],
    ["lt", 50_000, 1_250_000, "Бюджет 1 250 000 ≥ 50 000"],
    ["eq", 50_000, 50_000, null],
    ["eq", 50_000, 0, "Бюджет 0 ≠ 50 000"],
  ] as const)("%s %d at %d", (op, value, price, reason) => {
    expect(failureOf({ kind: "budget", op, value }, d({ price }))).toBe(reason);
  });

  it("formats amounts with plain-space groups", () => {
    expect(formatAmount(30_000)).toBe("30 000");
    expect(formatAmount(1234.5)).toBe("1 234,5");
  });
});

describe("responsible", () => {
  const cond = { kind: "responsible", userId: 502, userName: "Лопаткин Василий" } as const;

  it("holds for that user only", () => {
    expect(failureOf(cond, d({ responsibleUserId: 502 }))).toBeNull();
    expect(failureOf(cond, d({ responsibleUserId: 503, responsibleUserName: "Иванова Анна" }))).toBe(
      "Ответственный — Иванова Анна, а не Лопаткин Василий",
    );
  });

  it("names users by id when names are unknown, and says when there is no responsible", () => {
    expect(
      failureOf({ kind: "responsible", userId: 7 }, d({ responsibleUserId: 8, responsibleUserName: null })),
    ).toBe("Ответственный — пользователь #8, а не пользователь #7");
    expect(failureOf(cond, d({ responsibleUserId: null }))).toBe(
      "У сделки нет ответственного (условие: Лопаткин Василий)",
    );
  });
});

describe("custom field", () => {
  const city = field(101, "Город", "Москва");
  const sum = field(102, "Сумма", "1 500");
  const cf = (op: Condition & { kind: "custom_field" }) => op;

  it("equals: text ignoring case, numbers by value, any of several values", () => {
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 101, op: "equals", value: "москва" }),
        d({ customFields: [city] }),
      ),
    ).toBeNull();
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 102, op: "equals", value: 1500 }),
        d({ customFields: [sum] }),
      ),
    ).toBeNull();
    const multi = field(103, "Продукты", "Связь", "Контакт-центр");
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 103, op: "equals", value: "Контакт-центр" }),
        d({ customFields: [multi] }),
      ),
    ).toBeNull();
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 101, op: "equals", value: "Казань" }),
        d({ customFields: [city] }),
      ),
    ).toBe("Поле «Город»: «Москва» ≠ «Казань»");
  });

  it("contains", () => {
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 101, op: "contains", value: "моск" }),
        d({ customFields: [city] }),
      ),
    ).toBeNull();
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 101, op: "contains", value: "Каз" }),
        d({ customFields: [city] }),
      ),
    ).toBe("Поле «Город»: «Москва» не содержит «Каз»");
  });

  it("greater / less than, with the deal's number and a non-number named", () => {
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 102, op: "gt", value: 1000 }),
        d({ customFields: [sum] }),
      ),
    ).toBeNull();
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 102, op: "lt", value: 1000 }),
        d({ customFields: [sum] }),
      ),
    ).toBe("Поле «Сумма»: 1 500 ≥ 1 000");
    expect(
      failureOf(
        cf({ kind: "custom_field", fieldId: 102, op: "gt", value: 2000 }),
        d({ customFields: [sum] }),
      ),
    ).toBe("Поле «Сумма»: 1 500 ≤ 2 000");
    expect(
      failureOf(cf({ kind: "custom_field", fieldId: 101, op: "gt", value: 1 }), d({ customFields: [city] })),
    ).toBe("Поле «Город»: «Москва» — не число (условие: > 1)");
  });

  it("empty / not empty; a field missing on the deal is empty and named from the rule", () => {
    const blank = field(104, "Комментарий", "  ");
    expect(
      failureOf(cf({ kind: "custom_field", fieldId: 104, op: "empty" }), d({ customFields: [blank] })),
    ).toBeNull();
    expect(
      failureOf(cf({ kind: "custom_field", fieldId: 101, op: "empty" }), d({ customFields: [city] })),
    ).toBe("Поле «Город» заполнено: «Москва»");
    expect(
      failureOf(cf({ kind: "custom_field", fieldId: 101, op: "not_empty" }), d({ customFields: [city] })),
    ).toBeNull();
    expect(
      failureOf(cf({ kind: "custom_field", fieldId: 105, fieldName: "ИНН", op: "not_empty" }), d()),
    ).toBe("Поле «ИНН» не заполнено");
    expect(failureOf(cf({ kind: "custom_field", fieldId: 106, op: "equals", value: "x" }), d())).toBe(
      "Поле #106 не заполнено (условие: = «x»)",
    );
  });
});
