import { describe, expect, it } from "vitest";
import { moscowDate, rangeOf, startOfMoscowDay, toMoscowDateString } from "./period";

describe("journal period bounds (Moscow days)", () => {
  it("starts the Moscow day at 21:00 UTC of the previous day", () => {
    expect(startOfMoscowDay(new Date("2026-11-25T16:53:00Z")).toISOString()).toBe("2026-11-24T21:00:00.000Z");
    // 22:30 UTC is already the next day in Moscow.
    expect(startOfMoscowDay(new Date("2026-11-25T22:30:00Z")).toISOString()).toBe("2026-11-25T21:00:00.000Z");
  });

  it("reads date inputs as Moscow days", () => {
    expect(moscowDate("2026-11-01")?.toISOString()).toBe("2026-10-31T21:00:00.000Z");
    expect(moscowDate("2026-11-01", true)?.toISOString()).toBe("2026-11-01T20:59:59.999Z");
    expect(moscowDate("01.11.2026")).toBeUndefined();
    expect(toMoscowDateString(new Date("2026-10-31T21:00:00Z"))).toBe("2026-11-01");
  });

  it("counts presets in whole Moscow days", () => {
    const now = new Date("2026-11-25T16:53:00Z");
    expect(rangeOf("all", now)).toEqual({});
    expect(rangeOf("today", now).from?.toISOString()).toBe("2026-11-24T21:00:00.000Z");
    expect(rangeOf("7d", now).from?.toISOString()).toBe("2026-11-18T21:00:00.000Z");
    expect(rangeOf("30d", now).from?.toISOString()).toBe("2026-10-26T21:00:00.000Z");
  });
});
