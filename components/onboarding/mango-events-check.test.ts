import { describe, expect, it } from "vitest";
import { eventArrived } from "./mango-events-check";

describe("eventArrived («Проверить»)", () => {
  const pressedAt = Date.parse("2026-11-25T17:00:00Z");
  const at = (iso: string) => new Date(iso);

  it("waits while there is no event, or only the one known at the press", () => {
    expect(eventArrived({ pressedAt, baseline: null }, null)).toBe(false);
    const old = Date.parse("2026-11-25T16:00:00Z");
    expect(eventArrived({ pressedAt, baseline: old }, new Date(old))).toBe(false);
  });

  it("turns green on the first event ever, on an event after the press, or on one newer than the baseline", () => {
    expect(eventArrived({ pressedAt, baseline: null }, at("2026-11-25T16:59:59Z"))).toBe(true);
    const old = Date.parse("2026-11-25T16:00:00Z");
    expect(eventArrived({ pressedAt, baseline: old }, at("2026-11-25T17:00:01Z"))).toBe(true);
    // The server's clock may lag the browser's: a newer event than the one known at the press still counts.
    expect(eventArrived({ pressedAt, baseline: old }, at("2026-11-25T16:59:00Z"))).toBe(true);
  });
});
