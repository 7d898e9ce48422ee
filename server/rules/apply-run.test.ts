import { describe, expect, it } from "vitest";
import type { RuleApplicationCounters } from "@/db/schema";
import { ALREADY_SENT, OTHER_REASONS, tally } from "./apply-run";
import { percentOf, reasonsOf } from "./apply-store";

const zero = (): RuleApplicationCounters => ({
  processed: 0,
  queued: 0,
  skipped: 0,
  failed: 0,
  skipReasons: {},
});

describe("tally: one deal's outcome into an application's counters", () => {
  it("counts queued SMS, skipped deals by reason and failures; every deal is processed once", () => {
    const c = zero();
    tally(c, { ruleId: "r", name: "n", status: "acted", queued: 2, skipped: [] });
    tally(c, { ruleId: "r", name: "n", status: "skipped", reason: "Бюджет не больше 50 000" });
    tally(c, { ruleId: "r", name: "n", status: "skipped", reason: "Бюджет не больше 50 000" });
    tally(c, { failed: "boom" });
    expect(c).toEqual({
      processed: 4,
      queued: 2,
      skipped: 2,
      failed: 1,
      skipReasons: { "Бюджет не больше 50 000": 2 },
    });
  });

  it("calls a matching deal that plans nothing new 'already sent', or names why its recipients got none", () => {
    const c = zero();
    tally(c, { ruleId: "r", name: "n", status: "acted", queued: 0, skipped: [] });
    tally(c, { ruleId: "r", name: "n", status: "acted", queued: 0, skipped: ["У клиента нет телефона"] });
    expect(c.skipReasons).toEqual({ [ALREADY_SENT]: 1, "У клиента нет телефона": 1 });
    expect(c.queued).toBe(0);
  });
});

describe("tally: many distinct reasons", () => {
  it("keeps the first 50 reasons and groups the rest", () => {
    const c = zero();
    for (let i = 0; i < 60; i++)
      tally(c, { ruleId: "r", name: "n", status: "skipped", reason: `Бюджет ${i}` });
    tally(c, { ruleId: "r", name: "n", status: "skipped", reason: "Бюджет 3" });
    expect(Object.keys(c.skipReasons)).toHaveLength(51);
    expect(c.skipReasons[OTHER_REASONS]).toBe(10);
    expect(c.skipReasons["Бюджет 3"]).toBe(2);
    expect(c.skipped).toBe(61);
  });
});

describe("percentOf / reasonsOf", () => {
  it("is null until counted, 100 when done or for an empty stage, floored in between", () => {
    expect(percentOf({ status: "running", total: null, processed: 0 })).toBeNull();
    expect(percentOf({ status: "running", total: 0, processed: 0 })).toBe(100);
    expect(percentOf({ status: "running", total: 1000, processed: 999 })).toBe(99);
    expect(percentOf({ status: "done", total: 1000, processed: 990 })).toBe(100);
    expect(percentOf({ status: "cancelled", total: 1000, processed: 250 })).toBe(25);
  });

  it("lists reasons most frequent first", () => {
    expect(reasonsOf({ a: 1, b: 3, c: 2 })).toEqual([
      { reason: "b", count: 3 },
      { reason: "c", count: 2 },
      { reason: "a", count: 1 },
    ]);
  });
});
