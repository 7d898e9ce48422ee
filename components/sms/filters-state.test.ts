import { describe, expect, it } from "vitest";
import { cleanSearch, defaultFilters, isDirty, queryInputOf } from "./filters-state";

const MSK = "Europe/Moscow";

describe("SMS log filters", () => {
  const now = new Date("2026-11-25T18:00:00Z");

  it("starts with the last 7 Moscow days and nothing else", () => {
    const f = defaultFilters(MSK, now);
    expect(isDirty(f)).toBe(false);
    expect(queryInputOf(f, MSK, now)).toEqual({
      status: undefined,
      ruleId: undefined,
      search: undefined,
      from: new Date("2026-11-18T21:00:00Z"),
      to: undefined,
    });
  });

  it("passes the chosen filters on, the search as digits from two on", () => {
    const f = { ...defaultFilters(MSK, now), status: "failed" as const, ruleId: "r1", search: "45-67" };
    expect(isDirty(f)).toBe(true);
    expect(queryInputOf(f, MSK, now)).toMatchObject({ status: "failed", ruleId: "r1", search: "4567" });
    expect(queryInputOf({ ...f, search: " 7" }, MSK, now).search).toBeUndefined();
    expect(isDirty({ ...defaultFilters(MSK, now), search: " - " })).toBe(false);
  });

  it("keeps only what a number is typed with", () => {
    expect(cleanSearch("+7 (916) 45-67abc;")).toBe("+7 (916) 45-67");
  });
});
