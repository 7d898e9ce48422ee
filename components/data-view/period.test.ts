import { describe, expect, it } from "vitest";
import { accountDate, rangeOf, toAccountDateString } from "./period";

const MSK = "Europe/Moscow";
const NSK = "Asia/Novosibirsk";
const KGD = "Europe/Kaliningrad";

describe("log period bounds (days of the account's time zone)", () => {
  it("starts Moscow's today at 21:00 UTC of the previous day, Novosibirsk's at 17:00, Kaliningrad's at 22:00", () => {
    const now = new Date("2026-11-25T16:53:00Z"); // 19:53 Moscow, 23:53 Novosibirsk, 18:53 Kaliningrad
    expect(rangeOf("today", MSK, now).from?.toISOString()).toBe("2026-11-24T21:00:00.000Z");
    expect(rangeOf("today", NSK, now).from?.toISOString()).toBe("2026-11-24T17:00:00.000Z");
    expect(rangeOf("today", KGD, now).from?.toISOString()).toBe("2026-11-24T22:00:00.000Z");
    // 20:30 UTC is 23:30 in Moscow, already 03:30 of the next day in Novosibirsk.
    const late = new Date("2026-11-25T20:30:00Z");
    expect(rangeOf("today", MSK, late).from?.toISOString()).toBe("2026-11-24T21:00:00.000Z");
    expect(rangeOf("today", NSK, late).from?.toISOString()).toBe("2026-11-25T17:00:00.000Z");
  });

  it("reads date inputs as account days", () => {
    expect(accountDate("2026-11-01", MSK)?.toISOString()).toBe("2026-10-31T21:00:00.000Z");
    expect(accountDate("2026-11-01", MSK, true)?.toISOString()).toBe("2026-11-01T20:59:59.999Z");
    expect(accountDate("2026-11-01", NSK)?.toISOString()).toBe("2026-10-31T17:00:00.000Z");
    expect(accountDate("2026-11-01", KGD, true)?.toISOString()).toBe("2026-11-01T21:59:59.999Z");
    expect(accountDate("01.11.2026", MSK)).toBeUndefined();
    expect(toAccountDateString(new Date("2026-10-31T21:00:00Z"), MSK)).toBe("2026-11-01");
    expect(toAccountDateString(new Date("2026-10-31T21:00:00Z"), KGD)).toBe("2026-10-31");
  });

  it("counts presets in whole account days", () => {
    const now = new Date("2026-11-25T16:53:00Z");
    expect(rangeOf("all", MSK, now)).toEqual({});
    expect(rangeOf("7d", MSK, now).from?.toISOString()).toBe("2026-11-18T21:00:00.000Z");
    expect(rangeOf("30d", MSK, now).from?.toISOString()).toBe("2026-10-26T21:00:00.000Z");
    expect(rangeOf("7d", NSK, now).from?.toISOString()).toBe("2026-11-18T17:00:00.000Z");
  });
});
