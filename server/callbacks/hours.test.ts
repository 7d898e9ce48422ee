import { describe, expect, it } from "vitest";
import { nextWorkingMoment, type WorkingHours, withinWorkingHours } from "./hours";
import { takeSlot } from "./pacing";

const weekdays: WorkingHours = { enabled: true, days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00" };
const utc = (iso: string) => new Date(`${iso}Z`);

describe("working hours on the account's clock", () => {
  it("opens at `from` and closes at `to` there, not in UTC or Moscow", () => {
    // 2026-12-03 is a Thursday; Asia/Novosibirsk is UTC+7.
    const tz = "Asia/Novosibirsk";
    expect(withinWorkingHours(weekdays, tz, utc("2026-12-03T01:59:59"))).toBe(false);
    expect(withinWorkingHours(weekdays, tz, utc("2026-12-03T02:00:00"))).toBe(true);
    expect(withinWorkingHours(weekdays, tz, utc("2026-12-03T10:59:59"))).toBe(true);
    expect(withinWorkingHours(weekdays, tz, utc("2026-12-03T11:00:00"))).toBe(false);
  });

  it("the weekday is the account's: 02:00 UTC Saturday is still Friday in Los Angeles", () => {
    const la = { ...weekdays, from: "00:00", to: "23:59" };
    expect(withinWorkingHours(la, "America/Los_Angeles", utc("2026-12-05T02:00:00"))).toBe(true);
    expect(withinWorkingHours(la, "Europe/Moscow", utc("2026-12-05T02:00:00"))).toBe(false);
  });

  it("next opening: now when open, later today, or the next chosen day after a weekend", () => {
    const tz = "Europe/Moscow";
    const open = utc("2026-12-03T08:00:00");
    expect(nextWorkingMoment(weekdays, tz, open)).toEqual(open);
    expect(nextWorkingMoment(weekdays, tz, utc("2026-12-03T05:00:00"))).toEqual(utc("2026-12-03T06:00:00"));
    // Friday 18:00 Moscow → Monday 09:00 Moscow.
    expect(nextWorkingMoment(weekdays, tz, utc("2026-12-04T15:00:00"))).toEqual(utc("2026-12-07T06:00:00"));
    expect(nextWorkingMoment({ ...weekdays, days: [] }, tz, utc("2026-12-04T15:00:00"))).toBeNull();
  });

  it("off: always open", () => {
    const off = { ...weekdays, enabled: false, days: [] };
    const sunday = utc("2026-12-06T23:00:00");
    expect(withinWorkingHours(off, "Europe/Moscow", sunday)).toBe(true);
    expect(nextWorkingMoment(off, "Europe/Moscow", sunday)).toEqual(sunday);
  });
});

describe("takeSlot", () => {
  const now = utc("2026-12-03T08:00:00");
  const ms = (x: number) => new Date(now.getTime() + x);

  it("first dial: the slot is now, the next one spacing later", () => {
    expect(takeSlot({ nextSlotAt: null }, { now, ratePerMinute: 3 })).toEqual({
      slotAt: now,
      nextSlotAt: ms(20_000),
    });
  });

  it("a tick late by less than a spacing keeps the ideal schedule", () => {
    expect(takeSlot({ nextSlotAt: ms(-900) }, { now, ratePerMinute: 3 })).toEqual({
      slotAt: ms(-900),
      nextSlotAt: ms(19_100),
    });
  });

  it("a slot a whole spacing in the past (idle queue) restarts from now: no catch-up burst", () => {
    expect(takeSlot({ nextSlotAt: ms(-20_000) }, { now, ratePerMinute: 3 })).toEqual({
      slotAt: now,
      nextSlotAt: ms(20_000),
    });
  });

  it("the spacing after the slot follows the rate in force", () => {
    expect(takeSlot({ nextSlotAt: now }, { now, ratePerMinute: 6 }).nextSlotAt).toEqual(ms(10_000));
  });
});
