import { describe, expect, it } from "vitest";
import { outcomeState } from "./outcome";

describe("journal outcome state", () => {
  it("calls a call done only once calls.log is done", () => {
    expect(outcomeState({ category: "call", kind: "mango.event", status: "done", facts: {} })).toBe(
      "pending",
    );
    expect(outcomeState({ category: "call", kind: "calls.log", status: "done", facts: {} })).toBe("done");
    expect(outcomeState({ category: "call", kind: "calls.log", status: "skipped", facts: {} })).toBe(
      "skipped",
    );
    expect(outcomeState({ category: "call", kind: "calls.log", status: "retrying", facts: {} })).toBe(
      "pending",
    );
  });

  it("reads an SMS by what MANGO reported", () => {
    const sms = (smsStatus: "queued" | "sent" | "delivered" | "failed", status = "done" as const) =>
      outcomeState({ category: "sms", kind: "sms.send", status, facts: { smsStatus } });
    expect(sms("delivered")).toBe("delivered");
    expect(sms("sent")).toBe("sent");
    expect(sms("failed")).toBe("failed");
    expect(sms("queued")).toBe("pending");
  });

  it("keeps rejections and failures", () => {
    expect(
      outcomeState({ category: "other", kind: "mango.events/call", status: "rejected", facts: {} }),
    ).toBe("rejected");
    expect(outcomeState({ category: "deal", kind: "rules.evaluate", status: "failed", facts: {} })).toBe(
      "failed",
    );
  });
});
