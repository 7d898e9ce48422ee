import { describe, expect, it } from "vitest";
import { keptRejectedBody, keptRejectedReason } from "./safe-body";

describe("what is kept of a rejected webhook", () => {
  it("censors a MANGO form's key and signature and masks its phones", () => {
    const json = JSON.stringify({ from: { number: "79161234567" } });
    const kept = keptRejectedBody(`vpbx_api_key=live-key&sign=abc&json=${encodeURIComponent(json)}`);
    expect(kept).toBe('vpbx_api_key=[redacted]&sign=[redacted]&json={"from":{"number":"7916***4567"}}');
  });

  it("censors secrets and masks phones a decoder's message quotes from the body", () => {
    expect(
      keptRejectedReason("malformed body: bad field vpbx_api_key=live-key-123&sign=abc at 79161234567"),
    ).toBe("malformed body: bad field vpbx_api_key=[redacted]&sign=[redacted] at 7916***4567");
    expect(keptRejectedReason('invalid payload near {"api_key":"live-key-123"}')).toBe(
      'invalid payload near {"api_key":"[redacted]"}',
    );
    expect(keptRejectedReason("invalid signature")).toBe("invalid signature");
    expect(keptRejectedReason("x".repeat(2000))).toHaveLength(1001);
  });
});
