import { describe, expect, it } from "vitest";
import { defaultFilters, formatDuration, isDirty, queryInputOf } from "./filters-state";

const MSK = "Europe/Moscow";

describe("calls filters", () => {
  const now = new Date("2026-11-25T18:00:00Z");

  it("starts with the last 7 Moscow days and nothing else", () => {
    const f = defaultFilters(MSK, now);
    expect(isDirty(f)).toBe(false);
    expect(queryInputOf(f, MSK, now)).toEqual({
      callDirection: undefined,
      extension: undefined,
      result: undefined,
      from: new Date("2026-11-18T21:00:00Z"),
      to: undefined,
    });
  });

  it("passes the chosen filters on", () => {
    const f = {
      ...defaultFilters(MSK, now),
      direction: "incoming" as const,
      extension: "101",
      result: "missed" as const,
    };
    expect(isDirty(f)).toBe(true);
    expect(queryInputOf(f, MSK, now)).toMatchObject({
      callDirection: "incoming",
      extension: "101",
      result: "missed",
    });
  });

  it("formats talk time", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3723)).toBe("1:02:03");
  });
});
