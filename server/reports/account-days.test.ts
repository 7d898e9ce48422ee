import { describe, expect, it } from "vitest";
import { dayEnd, dayOf, dayStart, isTimeZone, timeZoneOr } from "@/lib/account-time";
import { accountDaySql, accountDaysBetween, chartWindow, MAX_CHART_DAYS } from "./account-days";

const at = (iso: string) => new Date(iso);

describe("account days (the chart's day window)", () => {
  it("cuts a day at the account's midnight: Moscow, Novosibirsk, Kaliningrad", () => {
    expect(dayStart("2026-11-21", "Europe/Moscow")?.toISOString()).toBe("2026-11-20T21:00:00.000Z");
    expect(dayStart("2026-11-21", "Asia/Novosibirsk")?.toISOString()).toBe("2026-11-20T17:00:00.000Z");
    expect(dayStart("2026-11-21", "Europe/Kaliningrad")?.toISOString()).toBe("2026-11-20T22:00:00.000Z");
    expect(dayEnd("2026-11-21", "Europe/Kaliningrad")?.toISOString()).toBe("2026-11-21T21:59:59.999Z");
    expect(dayStart("21.11.2026", "Europe/Moscow")).toBeNull();
  });

  it("puts 23:30 Moscow on the next day in Novosibirsk and on the same day in Kaliningrad", () => {
    const lateMoscow = at("2026-11-20T20:30:00Z");
    expect(dayOf(lateMoscow, "Europe/Moscow")).toBe("2026-11-20");
    expect(dayOf(lateMoscow, "Asia/Novosibirsk")).toBe("2026-11-21");
    expect(dayOf(lateMoscow, "Europe/Kaliningrad")).toBe("2026-11-20");
    // 00:30 Moscow is still the previous day in Kaliningrad (22:30).
    expect(dayOf(at("2026-11-20T21:30:00Z"), "Europe/Kaliningrad")).toBe("2026-11-20");
  });

  it("follows daylight saving where a zone has it (a 23-hour day)", () => {
    const start = dayStart("2026-03-29", "Europe/Berlin")!;
    const end = dayEnd("2026-03-29", "Europe/Berlin")!;
    expect(start.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(end.getTime() + 1 - start.getTime()).toBe(23 * 3600_000);
  });

  it("lists the period's days in the account's zone and starts the query at the first one", () => {
    const from = at("2026-11-19T18:00:00Z"); // 01:00 on the 20th in Novosibirsk, 21:00 on the 19th in Moscow
    const to = at("2026-11-20T20:30:00Z");
    expect(accountDaysBetween(from, to, "Asia/Novosibirsk")).toEqual(["2026-11-20", "2026-11-21"]);
    expect(accountDaysBetween(from, to, "Europe/Moscow")).toEqual(["2026-11-19", "2026-11-20"]);
    expect(accountDaysBetween(from, to, "Europe/Kaliningrad")).toEqual(["2026-11-19", "2026-11-20"]);
    const long = chartWindow(at("2026-01-01T00:00:00Z"), at("2026-11-20T12:00:00Z"), "Europe/Kaliningrad")!;
    expect(long.days).toHaveLength(MAX_CHART_DAYS);
    expect(long.from.toISOString()).toBe(dayStart(long.days[0]!, "Europe/Kaliningrad")!.toISOString());
    expect(chartWindow(to, from, "Europe/Moscow")).toBeNull();
  });

  it("accepts only IANA zone names, and never puts anything else into SQL", () => {
    expect(isTimeZone("Asia/Novosibirsk")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    for (const bad of ["+07:00", "Mars/Olympus", "Europe/Moscow'; drop table calls; --", "", null])
      expect(isTimeZone(bad)).toBe(false);
    expect(timeZoneOr("Nowhere/Land")).toBe("Europe/Moscow");
    expect(() => accountDaySql(at("2026-01-01T00:00:00Z") as never, "x' or '1")).toThrow(RangeError);
  });
});
