import { describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { advance, control, mangoPost, type Receiver } from "./test-support";

/**
 * Webhook delivery: SMS results/reports, and the injectable faults (duplicates, out-of-order, latency, API 5xx)
 * plus the retry policy for a failing receiver.
 */

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});

describe("SMS", () => {
  it("failed delivery: result/sms 1000 then events/sms with the configured 43xx reason", async () => {
    await control(url, "sms-outcomes", { toNumber: "79990001122", reason: 4301 });
    await mangoPost(url, "commands/sms", {
      command_id: "s-1",
      text: "Hello",
      from_extension: "101",
      to_number: "79990001122",
    });
    await advance(url, 10_000);
    expect(rx.of("result/sms")).toEqual([{ command_id: "s-1", result: 1000 }]);
    expect(rx.of("events/sms")[0]).toMatchObject({ command_id: "s-1", reason: 4301 });
  });

  it("unknown sender name: result/sms 3100 and no delivery report", async () => {
    await mangoPost(url, "commands/sms", {
      command_id: "s-2",
      text: "Hi",
      from_extension: "101",
      to_number: "79990001122",
      sms_sender: "NOPE",
    });
    await advance(url, 10_000);
    expect(rx.events.map((e) => [e.path, e.json.result])).toEqual([["result/sms", 3100]]);
  });
});

describe("delivery faults and retries", () => {
  it("duplicates every event when asked", async () => {
    await control(url, "faults", { duplicateEvents: true });
    await control(url, "scenarios", { type: "outgoing", from: "101", to: "79990001122", talkSeconds: 5 });
    await advance(url, 60_000);
    const calls = rx.of("events/call");
    expect(calls).toHaveLength(6);
    expect(calls[0]).toEqual(calls[1]);
  });

  it("delivers events out of order when asked (seq still correct)", async () => {
    await control(url, "faults", { outOfOrder: true });
    await control(url, "scenarios", {
      type: "outgoing",
      from: "101",
      to: "79990001122",
      talkSeconds: 5,
      instant: true,
    });
    await rx.waitFor((ev) => ev.filter((e) => e.path.startsWith("events/")).length >= 4);
    const seqs = rx.of("events/call").map((c) => Number(c.seq));
    expect(seqs.slice().sort()).toEqual([1, 2, 3]);
    expect(seqs).not.toEqual([1, 2, 3]);
  });

  it("retries a failed delivery after 1 s of emulator time", async () => {
    rx.respond = (r, attempt) => (r.path === "events/summary" && attempt === 1 ? 500 : 200);
    await control(url, "scenarios", {
      type: "outgoing",
      from: "101",
      to: "79990001122",
      talkSeconds: 5,
      instant: true,
    });
    await control(url, "deliveries?wait=1");
    expect(rx.of("events/summary")).toHaveLength(0);
    await advance(url, 1000);
    expect(rx.of("events/summary")).toHaveLength(1);
    const log = (await control(url, "deliveries?path=events/summary")).deliveries as Array<{
      attempts: Array<{ status: number }>;
    }>;
    expect(log[0]?.attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it("delays webhooks and API answers when latency is injected", async () => {
    await control(url, "faults", { webhookLatencyMs: 150, latencyMs: 100 });
    const t0 = Date.now();
    await mangoPost(url, "commands/sms", {
      command_id: "lat",
      text: "x",
      from_extension: "101",
      to_number: "79990001122",
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
    await control(url, "deliveries?wait=1");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    expect(rx.of("result/sms")).toEqual([{ command_id: "lat", result: 1000 }]);
  });

  it("answers 5xx when an API failure is injected, then recovers", async () => {
    await control(url, "faults", { apiFailures: { remaining: 1, status: 503 } });
    const r = await mangoPost(url, "incominglines", {});
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ result: 5008 });
    expect((await mangoPost(url, "incominglines", {})).status).toBe(200);
  });
});
