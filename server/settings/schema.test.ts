import { describe, expect, it } from "vitest";
import {
  createsDeals,
  DEPENDENCIES,
  effectiveSettings,
  isLineProcessed,
} from "@/lib/domain/settings/effective";
import {
  defaultSettings,
  type IntegrationSettingsInput,
  SETTINGS_SCHEMA_VERSION,
  settingsDocumentSchema,
  settingsSchema,
  upgradeStoredSettings,
} from "@/lib/domain/settings/schema";
import { diffSettings } from "./queries";
import { findStaleReferences } from "./validate-stages";

const parse = (input: IntegrationSettingsInput) => settingsDocumentSchema.parse(input);
const get = (o: unknown, path: string) =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);
function set(o: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((v, k) => v[k] as Record<string, unknown>, o);
  parent[last] = value;
}
const STAGE = { pipelineId: 3383152, statusId: 33929752 };

/** Every parent and child switched on, every child with a value. */
function allOn() {
  return parse({
    calls: {
      outgoing: { createContact: true, createDeal: true },
      missedTasks: { enabled: true, responsibleUserId: 504141 },
      saveAllCalls: { enabled: true, userId: 8238874 },
    },
    extra: {
      contactCenter: {
        enabled: true,
        dpTasks: { enabled: true, openDealInNewTab: true },
        saveTopics: {
          enabled: true,
          stageIfDeal: STAGE,
          stageIfNoDeal: STAGE,
          intoOpenDeal: true,
          topicsField: true,
        },
      },
    },
  });
}

describe("settings schema", () => {
  it("an empty document is complete: defaults everywhere, current schema version", () => {
    const s = defaultSettings();
    expect(s.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(s.calls.newClientAction).toBe("contact_and_deal");
    expect(s.calls.repeatClientAction).toBe("deal_if_no_open");
    expect(s.calls.answeredStage).toBeNull();
    expect(s.calls.autoCallback.ratePerMinute).toBeNull();
    expect(s.extra.contactCenter.enabled).toBe(false);
    expect(s.extra.contactCenter.saveTopics.stageIfDeal).toBeNull();
    expect(s.extra.contactCenter.saveTopics.intoOpenDeal).toBe(false);
    expect(s.extra.contactCenter.saveTopics.topicsField).toBe(false);
    expect(s.limits.lines).toEqual([]);
    expect(parse({ calls: { outgoing: { createContact: true } } }).calls.outgoing.createDeal).toBe(false);
  });

  it("reads an unreadable stored document as the defaults, and a partial one with defaults filled", () => {
    expect(upgradeStoredSettings({ calls: { newClientAction: "teleport" } })).toEqual(defaultSettings());
    expect(upgradeStoredSettings(null)).toEqual(defaultSettings());
    expect(upgradeStoredSettings({ calls: { newClientAction: "manual" } }).calls.newClientAction).toBe(
      "manual",
    );
  });

  it("requires a child value only while its parent is on", () => {
    const missing = parse({
      calls: { saveAllCalls: { enabled: true } },
      extra: { contactCenter: { enabled: true, saveTopics: { enabled: true, stageIfDeal: STAGE } } },
    });
    const result = settingsSchema.safeParse(missing);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["calls.saveAllCalls.userId", "userRequired"],
      ["extra.contactCenter.saveTopics.stageIfNoDeal", "stageRequired"],
    ]);
    // The same gaps under parents that are off are fine: the children are kept, not applied.
    const off = parse({
      calls: { saveAllCalls: { enabled: false } },
      extra: { contactCenter: { enabled: false, saveTopics: { enabled: true, stageIfDeal: STAGE } } },
    });
    expect(settingsSchema.safeParse(off).success).toBe(true);
  });

  it("refuses values out of range", () => {
    expect(
      settingsDocumentSchema.safeParse({ calls: { answeredStage: { pipelineId: -1, statusId: 1 } } }).success,
    ).toBe(false);
    expect(
      settingsDocumentSchema.safeParse({ calls: { autoCallback: { ratePerMinute: 1.5 } } }).success,
    ).toBe(false);
    expect(settingsDocumentSchema.safeParse({ limits: { lines: [""] } }).success).toBe(false);
  });

  it("says in Russian which limit a value broke; a negative number is called negative", () => {
    const messages = (input: unknown) => {
      const r = settingsDocumentSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(messages({ limits: { lines: ["7".repeat(10_000)] } })).toEqual([
      "Номер линии — не длиннее 128 символов",
    ]);
    expect(messages({ limits: { lines: Array.from({ length: 501 }, (_, i) => `7495000${i}`) } })).toEqual([
      "Выбрать можно не больше 500 линий",
    ]);
    expect(messages({ limits: { lines: ["   "] } })).toEqual(["Номер линии не может быть пустым"]);
    expect(messages({ calls: { autoCallback: { ratePerMinute: -5 } } })).toEqual([
      "Скорость автоперезвона не может быть отрицательной",
    ]);
    expect(messages({ calls: { autoCallback: { ratePerMinute: 1001 } } })).toEqual([
      "Скорость автоперезвона — не больше 1000 звонков в минуту",
    ]);
    expect(messages({ calls: { autoCallback: { ratePerMinute: "много" } } })).toEqual([
      "Скорость автоперезвона: введите число звонков в минуту",
    ]);
    expect(messages({ calls: { missedTasks: { responsibleUserId: -3 } } })).toEqual([
      "Пользователь amoCRM: идентификатор не может быть отрицательным или нулём",
    ]);
    expect(messages({ calls: { answeredStage: { pipelineId: 1, statusId: 2.5 } } })).toEqual([
      "Этап: идентификатор — целое число",
    ]);
  });
});

describe("effectiveSettings", () => {
  it("applies every child while all parents are on", () => {
    const eff = effectiveSettings(allOn());
    expect(eff.calls.outgoing.createDeal).toBe(true);
    expect(eff.calls.saveAllCalls).toEqual({ enabled: true, userId: 8238874 });
    expect(eff.extra.contactCenter.dpTasks).toEqual({ enabled: true, openDealInNewTab: true });
    expect(eff.extra.contactCenter.saveTopics.stageIfNoDeal).toEqual(STAGE);
    expect(eff.extra.contactCenter.saveTopics.intoOpenDeal).toBe(true);
    expect(eff.extra.contactCenter.saveTopics.topicsField).toBe(true);
  });

  for (const [parent, children] of Object.entries(DEPENDENCIES)) {
    it(`${parent} off: its children count as off, and the document keeps their values`, () => {
      const stored = allOn();
      set(stored as unknown as Record<string, unknown>, parent, false);
      const before = JSON.stringify(stored);
      const eff = effectiveSettings(stored);
      for (const child of children) {
        expect([false, null], child).toContain(get(eff, child));
        expect(get(stored, child), child).not.toBeNull();
      }
      expect(JSON.stringify(stored)).toBe(before);
    });
  }

  it("turning Контакт-центр off turns off the grandchild too", () => {
    const s = allOn();
    s.extra.contactCenter.enabled = false;
    expect(effectiveSettings(s).extra.contactCenter.dpTasks.openDealInNewTab).toBe(false);
    expect(s.extra.contactCenter.dpTasks.openDealInNewTab).toBe(true);
    // ★ «Сохранять в открытую сделку» and «Тематики КЦ» hang under saveTopics, so under Контакт-центр too.
    expect(effectiveSettings(s).extra.contactCenter.saveTopics).toMatchObject({
      enabled: false,
      intoOpenDeal: false,
      topicsField: false,
    });
    expect(s.extra.contactCenter.saveTopics).toMatchObject({ intoOpenDeal: true, topicsField: true });
  });

  it("the ★ topics options are off by default and count as off while «Сохранять тематики» is off", () => {
    const defaults = effectiveSettings(
      parse({ extra: { contactCenter: { enabled: true, saveTopics: { enabled: true } } } }),
    ).extra.contactCenter.saveTopics;
    expect(defaults).toMatchObject({ intoOpenDeal: false, topicsField: false });
    const s = allOn();
    s.extra.contactCenter.saveTopics.enabled = false;
    expect(effectiveSettings(s).extra.contactCenter.saveTopics).toMatchObject({
      intoOpenDeal: false,
      topicsField: false,
    });
  });

  it("drops the deal stages when call handling never creates a deal", () => {
    const s = parse({
      calls: {
        newClientAction: "manual",
        repeatClientAction: "manual",
        answeredStage: STAGE,
        missedStage: STAGE,
      },
    });
    expect(createsDeals(s)).toBe(false);
    expect(effectiveSettings(s).calls.answeredStage).toBeNull();
    s.calls.repeatClientAction = "always_deal";
    expect(effectiveSettings(s).calls.answeredStage).toEqual(STAGE);
  });

  it("applies the auto-callback rate, the default until one is set, and refuses a bad window", () => {
    expect(
      effectiveSettings(parse({ calls: { autoCallback: { ratePerMinute: 10 } } })).calls.autoCallback,
    ).toMatchObject({ ratePerMinute: 10, cooldownMinutes: 10, workingHours: { enabled: false } });
    expect(effectiveSettings(defaultSettings()).calls.autoCallback.ratePerMinute).toBe(2);
    expect(
      effectiveSettings(parse({ calls: { autoCallback: { ratePerMinute: 0 } } })).calls.autoCallback
        .ratePerMinute,
    ).toBe(0);
    const bad = settingsDocumentSchema.safeParse({
      calls: { autoCallback: { workingHours: { enabled: true, from: "18:00", to: "09:00" } } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe("Рабочее время: начало должно быть раньше конца");
    expect(
      settingsDocumentSchema.safeParse({ calls: { autoCallback: { cooldownMinutes: 2.5 } } }).success,
    ).toBe(false);
  });

  it("processes every line when none is chosen, else only the chosen ones", () => {
    expect(isLineProcessed(defaultSettings(), "74951234567")).toBe(true);
    const s = parse({ limits: { lines: ["74951234567"] } });
    expect(isLineProcessed(s, "74951234567")).toBe(true);
    expect(isLineProcessed(s, "78001234567")).toBe(false);
    expect(isLineProcessed(s, null)).toBe(false);
  });
});

describe("stale references and the audit diff", () => {
  const pipelines = [
    {
      pipelineId: 3383152,
      name: "Основная воронка",
      statuses: [{ id: 33929752, name: "Первичный контакт" }],
    },
  ];
  const users = [{ amoUserId: 504141, name: "Анна", isActive: true }];

  it("names the field of a stage or user that no longer exists", () => {
    const s = parse({
      calls: {
        answeredStage: STAGE,
        missedStage: { pipelineId: 3383152, statusId: 33929755 },
        missedTasks: { enabled: true, responsibleUserId: 32321 },
      },
      extra: {
        contactCenter: {
          enabled: true,
          saveTopics: {
            enabled: true,
            stageIfDeal: { pipelineId: 47521, statusId: 525743 },
            stageIfNoDeal: STAGE,
          },
        },
      },
    });
    const problems = findStaleReferences(s, { pipelines, users });
    expect(problems.map((p) => p.path)).toEqual([
      "calls.missedStage",
      "extra.contactCenter.saveTopics.stageIfDeal",
      "calls.missedTasks.responsibleUserId",
    ]);
    expect(problems[0]!.message).toContain("Воронка/этап для пропущенных звонков");
    expect(problems[0]!.message).toContain("«Основная воронка»");
    expect(problems[1]!.message).toContain("воронка больше не существует");
  });

  it("ignores stale stages under a parent that is off", () => {
    const s = parse({
      extra: {
        contactCenter: {
          enabled: false,
          saveTopics: { enabled: true, stageIfDeal: { pipelineId: 1, statusId: 2 }, stageIfNoDeal: STAGE },
        },
      },
    });
    expect(findStaleReferences(s, { pipelines, users })).toEqual([]);
  });

  it("diffs only the changed fields", () => {
    const a = defaultSettings();
    const b = parse({ calls: { newClientAction: "manual", answeredStage: STAGE }, limits: { lines: ["1"] } });
    expect(diffSettings(a, b)).toEqual({
      before: {
        "calls.newClientAction": "contact_and_deal",
        "calls.answeredStage": null,
        "limits.lines": [],
      },
      after: { "calls.newClientAction": "manual", "calls.answeredStage": STAGE, "limits.lines": ["1"] },
    });
    expect(diffSettings(a, defaultSettings())).toEqual({ before: {}, after: {} });
  });
});
