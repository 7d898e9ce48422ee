import { afterEach, describe, expect, it } from "vitest";
import { createRateLimiter, resetSharedRateLimiters, sharedRateLimiter } from "./rate-limit";

/** A fake clock: `sleep` advances nothing by itself; each grant is recorded at now + the wait asked. */
function fakeClock() {
  let t = 10_000;
  const pending: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleep: async (ms: number) => {
      pending.push(t + ms);
    },
    pending,
  };
}

afterEach(() => resetSharedRateLimiters());

describe("per-account token bucket", () => {
  it("lets a burst of 7 through at once and makes the 8th wait one window", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ now: clock.now, sleep: clock.sleep, marginMs: 0 });
    for (let i = 0; i < 7; i++) await limiter.take();
    expect(clock.pending).toEqual([]);
    await limiter.take();
    expect(clock.pending).toEqual([11_000]);
  });

  it("never grants more than N in any one-second window, whatever the arrival pattern", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      requestsPerSecond: 7,
      now: clock.now,
      sleep: clock.sleep,
      marginMs: 50,
    });
    const granted: number[] = [];
    // 60 callers arriving in bursts and trickles, some while others still wait.
    for (let i = 0; i < 60; i++) {
      if (i % 9 === 0) clock.advance(370);
      const before = clock.pending.length;
      await limiter.take();
      granted.push(clock.pending.length > before ? clock.pending.at(-1)! : clock.now());
    }
    const sorted = [...granted].sort((a, b) => a - b);
    expect(sorted).toEqual(granted); // first come, first served
    for (let i = 0; i + 7 < sorted.length; i++) {
      expect(sorted[i + 7]! - sorted[i]!).toBeGreaterThanOrEqual(1050);
    }
  });

  it("is configurable and rejects nonsense", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({
      requestsPerSecond: 2,
      now: clock.now,
      sleep: clock.sleep,
      marginMs: 0,
    });
    await limiter.take();
    await limiter.take();
    await limiter.take();
    expect(clock.pending).toEqual([11_000]);
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow();
  });

  it("shares one limiter per account base URL", () => {
    const a = sharedRateLimiter("https://demo.amocrm.ru");
    expect(sharedRateLimiter("https://DEMO.amocrm.ru/")).toBe(a);
    expect(sharedRateLimiter("https://other.amocrm.ru")).not.toBe(a);
    expect(sharedRateLimiter("http://127.0.0.1:4010/a/demo")).not.toBe(
      sharedRateLimiter("http://127.0.0.1:4010/a/other"),
    );
  });
});
