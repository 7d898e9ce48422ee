import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMangoEmulator } from "./server";
import { advance, control, DEMO, mangoPost, type Receiver, sha256Sign, startReceiver } from "./test-support";

/**
 * Call simulation: commands and scenarios produce MANGO's documented event sequences, POSTed form-encoded and
 * signed to a real HTTP receiver. Timelines run on the emulator clock (frozen here, advanced explicitly).
 */

let url: string;
let close: () => Promise<void>;
let rx: Receiver;

beforeAll(async () => {
  const emu = await startMangoEmulator({ port: 0 });
  url = emu.url;
  close = emu.close;
  rx = await startReceiver();
});
afterAll(async () => {
  await close();
  await rx.close();
});
beforeEach(async () => {
  await control(url, "reset", {});
  await control(url, "webhook", { url: rx.url });
  await control(url, "clock", { freeze: true });
  rx.events.length = 0;
  rx.respond = () => 200;
});

type Ev = Record<string, unknown>;
const party = (e: Ev, k: "from" | "to") => e[k] as Record<string, unknown>;

describe("callback command", () => {
  it("produces result/callback, both legs Appeared→Connected→Disconnected and a summary, all signed", async () => {
    const r = await mangoPost(url, "commands/callback", {
      command_id: "cb-1",
      from: { extension: "101" },
      to_number: "+79990001122",
    });
    expect(r.body).toEqual({ result: 1000 });
    await advance(url, 300_000);
    for (const e of rx.events) {
      expect(e.form.vpbx_api_key).toBe(DEMO.key);
      expect(e.form.sign).toBe(sha256Sign(DEMO.key, e.form.json ?? "", DEMO.salt));
    }
    expect(rx.events[0]?.path).toBe("result/callback");
    expect(rx.events[0]?.json).toEqual({ command_id: "cb-1", result: 1000 });
    const calls = rx.of("events/call");
    const [leg1, leg2] = [...new Set(calls.map((c) => c.call_id))];
    const l1 = calls.filter((c) => c.call_id === leg1);
    const l2 = calls.filter((c) => c.call_id === leg2);
    expect(l1.map((c) => c.call_state)).toEqual(["Appeared", "Connected", "Disconnected"]);
    expect(l2.map((c) => c.call_state)).toEqual(["Appeared", "Connected", "Disconnected"]);
    // Leg 1 rings the employee and shows the destination as `from` (reversed, as the spec appendix shows).
    expect(party(l1[0] as Ev, "from")).toEqual({ number: "79990001122" });
    expect(party(l1[0] as Ev, "to").extension).toBe("101");
    expect(l1[2]?.disconnect_reason).toBe(1000);
    expect(party(l2[0] as Ev, "from").taken_from_call_id).toBe(leg1);
    expect(party(l2[0] as Ev, "to")).toEqual({ number: "79990001122" });
    expect(l2.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(new Set(calls.map((c) => c.entry_id)).size).toBe(1);
    expect(calls.every((c) => c.command_id === "cb-1" && typeof c.timestamp === "number")).toBe(true);
    const summary = rx.of("events/summary")[0] as Ev;
    expect(summary).toMatchObject({
      entry_id: calls[0]?.entry_id,
      call_direction: 2,
      entry_result: 1,
      disconnect_reason: 1120,
    });
    expect(Number(summary.end_time) - Number(summary.talk_time)).toBe(30);
    expect(rx.events.at(-1)?.path).toBe("events/summary");
  });

  it("client does not answer: leg 2 ends with 1111 and the summary is missed", async () => {
    await control(url, "callback-outcomes", { outcome: "client_no_answer", remaining: 1 });
    await mangoPost(url, "commands/callback", {
      command_id: "cb-2",
      from: { extension: "102" },
      to_number: "79990001122",
    });
    await advance(url, 300_000);
    const last = rx.of("events/call").at(-1) as Ev;
    expect(last).toMatchObject({ call_state: "Disconnected", disconnect_reason: 1111 });
    expect(
      rx.of("events/call").some((c) => c.call_state === "Connected" && party(c, "from").extension === "102"),
    ).toBe(false);
    expect(rx.of("events/summary")[0]).toMatchObject({
      entry_result: 0,
      talk_time: 0,
      disconnect_reason: 1111,
      to: { number: "79990001122" },
    });
  });

  it("operator busy: only leg 1, ended 1121", async () => {
    await control(url, "employees/103", { busy: true });
    await control(url, "scenarios", {
      type: "callback",
      from: "103",
      to: "79990001122",
      outcome: "operator_busy",
    });
    await advance(url, 60_000);
    expect(rx.of("events/call").map((c) => [c.call_state, c.disconnect_reason])).toEqual([
      ["Appeared", undefined],
      ["Disconnected", 1121],
    ]);
    expect(rx.of("events/summary")[0]).toMatchObject({ entry_result: 0, disconnect_reason: 1121 });
  });

  it("unknown extension: acknowledged, then result/callback 3100 and no call", async () => {
    await mangoPost(url, "commands/callback", {
      command_id: "cb-3",
      from: { extension: "999" },
      to_number: "79990001122",
    });
    await advance(url, 60_000);
    expect(rx.events.map((e) => [e.path, e.json.result])).toEqual([["result/callback", 3100]]);
  });

  it("call/hangup ends a live call with 1181 and result 1000", async () => {
    await mangoPost(url, "commands/callback", {
      command_id: "cb-4",
      from: { extension: "101" },
      to_number: "79990001122",
    });
    await advance(url, 15_000);
    const live = rx
      .of("events/call")
      .find((c) => c.call_state === "Connected" && party(c, "from").extension === "101");
    await mangoPost(url, "commands/call/hangup", { command_id: "h-1", call_id: live?.call_id });
    await advance(url, 300_000);
    expect(rx.of("result/call/hangup")).toEqual([{ command_id: "h-1", result: 1000 }]);
    expect(rx.of("events/call").at(-1)).toMatchObject({
      call_id: live?.call_id,
      call_state: "Disconnected",
      disconnect_reason: 1181,
    });
    expect(rx.of("events/summary")).toHaveLength(1);
  });
});

describe("incoming scenarios", () => {
  it("missed call rung on two employees ends with 1110 and entry_result 0", async () => {
    await control(url, "scenarios", {
      type: "incoming",
      from: "+79991234567",
      line: "74950000000",
      ring: ["101", "102"],
    });
    await advance(url, 300_000);
    const calls = rx.of("events/call");
    expect(calls[0]).toMatchObject({
      location: "ivr",
      call_state: "Appeared",
      to: { number: "74950000000", line_number: "74950000000" },
    });
    const ends = calls.filter((c) => c.location === "abonent" && c.call_state === "Disconnected");
    expect(ends.map((c) => c.disconnect_reason)).toEqual([1110, 1110]);
    expect(rx.of("events/summary")[0]).toMatchObject({
      call_direction: 1,
      from: { number: "79991234567" },
      to: { extension: "101" },
      entry_result: 0,
      talk_time: 0,
      disconnect_reason: 1110,
    });
  });

  it("answered, recorded call: recording Started/Completed, record/added, summary to the answering employee", async () => {
    const { entry_id } = await control(url, "scenarios", {
      type: "incoming",
      from: "+79991234567",
      line: "74950000000",
      ring: ["101", "102"],
      answeredBy: "102",
      talkSeconds: 35,
      recorded: true,
      instant: true,
    });
    await control(url, "deliveries?wait=1");
    await advance(url, 10_000);
    expect(rx.of("events/recording").map((r) => r.recording_state)).toEqual(["Started", "Completed"]);
    expect(rx.of("events/record/added")[0]).toMatchObject({ entry_id, product_id: 400000001 });
    const s = rx.of("events/summary")[0] as Ev;
    expect(s).toMatchObject({ entry_id, entry_result: 1, to: { extension: "102" }, disconnect_reason: 1110 });
    expect(Number(s.end_time) - Number(s.talk_time)).toBe(35);
    const other = rx
      .of("events/call")
      .find((c) => party(c, "to").extension === "101" && c.call_state === "Disconnected");
    expect(other?.disconnect_reason).toBe(1100);
  });
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

  it("answers 5xx when an API failure is injected, then recovers", async () => {
    await control(url, "faults", { apiFailures: { remaining: 1, status: 503 } });
    const r = await mangoPost(url, "incominglines", {});
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ result: 5008 });
    expect((await mangoPost(url, "incominglines", {})).status).toBe(200);
  });
});
