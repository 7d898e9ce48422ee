import { describe, expect, it } from "vitest";
import { z } from "zod";
import { latestCronSlot } from "@/inngest/local/cron";
import { backoffMs, defineJob, maxAttemptsOf } from "./define";

describe("job definitions", () => {
  it("back off exponentially with jitter, capped at an hour", () => {
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 1)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(6000);
    expect(backoffMs(30, () => 1)).toBe(3_600_000);
  });

  it("validate ids and default to five attempts", () => {
    expect(() =>
      defineJob({ id: "Bad Id", title: "x", payload: z.object({}), handler: async () => undefined }),
    ).toThrow();
    const job = defineJob({
      id: "sms.send",
      title: "x",
      payload: z.object({}),
      handler: async () => undefined,
    });
    expect(maxAttemptsOf(job)).toBe(5);
  });

  it("find the latest cron slot at or before now (UTC)", () => {
    expect(latestCronSlot("*/5 * * * *", new Date("2026-11-25T10:04:59Z")).toISOString()).toBe(
      "2026-11-25T10:00:00.000Z",
    );
    expect(latestCronSlot("*/5 * * * *", new Date("2026-11-25T10:05:00Z")).toISOString()).toBe(
      "2026-11-25T10:05:00.000Z",
    );
    expect(latestCronSlot("30 3 * * *", new Date("2026-11-25T02:00:00Z")).toISOString()).toBe(
      "2026-11-24T03:30:00.000Z",
    );
  });
});
