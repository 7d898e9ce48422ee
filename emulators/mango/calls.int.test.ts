import { describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { advance, control, DEMO, mangoPost, type Receiver, sha256Sign } from "./test-support";

/**
 * Call simulation: commands and scenarios produce MANGO's documented event sequences, POSTed form-encoded and
 * signed to a real HTTP receiver. Timelines run on the emulator clock (frozen here, advanced explicitly).
 */

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
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

  it("Call-Info/answer-after makes the employee's leg connect at once (auto-answer)", async () => {
    const cmd = { from: { extension: "101" }, to_number: "79990001122" };
    await mangoPost(url, "commands/callback", {
      ...cmd,
      command_id: "aa-0",
      sip_headers: { "Call-Info/answer-after": "0" },
    });
    await control(url, "clock", { advance: 1000 });
    await mangoPost(url, "commands/callback", { ...cmd, command_id: "aa-none" });
    await advance(url, 300_000);
    const gap = (id: string) => {
      const leg1 = rx
        .of("events/call")
        .filter((c) => c.command_id === id)
        .slice(0, 2);
      return Number(leg1[1]?.timestamp) - Number(leg1[0]?.timestamp);
    };
    expect(gap("aa-0")).toBeLessThanOrEqual(1);
    expect(gap("aa-none")).toBe(3);
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

describe("busy operators and groups", () => {
  it("a busy operator's leg ends 1121 while the other one answers", async () => {
    await control(url, "scenarios", {
      type: "incoming",
      from: "79991234567",
      ring: ["101", "102"],
      busy: ["101"],
      answeredBy: "102",
      instant: true,
    });
    await control(url, "deliveries?wait=1");
    const ends = rx
      .of("events/call")
      .filter((c) => c.call_state === "Disconnected" && c.location === "abonent");
    expect(ends.map((c) => [party(c, "to").extension, c.disconnect_reason])).toEqual([
      ["101", 1121],
      ["102", 1110],
    ]);
    expect(rx.of("events/summary")[0]).toMatchObject({ entry_result: 1, to: { extension: "102" } });
  });

  it("callback_group rings the group's first free operator and marks the group on leg 1", async () => {
    await control(url, "employees/101", { busy: true });
    await mangoPost(url, "commands/callback_group", {
      command_id: "g-1",
      from: "201",
      to: "79990001122",
      line_number: "74950000000",
    });
    await advance(url, 120_000);
    expect(rx.of("result/callback_group")).toEqual([{ command_id: "g-1", result: 1000 }]);
    const first = rx.of("events/call")[0] as Ev;
    expect(party(first, "to")).toMatchObject({ extension: "102", acd_group: "201" });
    expect(rx.of("events/summary")[0]).toMatchObject({
      call_direction: 2,
      entry_result: 1,
      line_number: "74950000000",
    });
  });
});

describe("commands/route", () => {
  it("moves a call waiting in the IVR to another employee (new leg taken from the IVR leg)", async () => {
    await control(url, "scenarios", {
      type: "incoming",
      from: "79991234567",
      ring: ["101"],
      answeredBy: "101",
      ivrSeconds: 60,
      talkSeconds: 20,
    });
    await advance(url, 2000);
    const ivr = rx.of("events/call")[0] as Ev;
    expect(ivr).toMatchObject({ location: "ivr", call_state: "Appeared" });
    await mangoPost(url, "commands/route", { command_id: "rt-1", call_id: ivr.call_id, to_number: "103" });
    await advance(url, 120_000);
    expect(rx.of("result/route")).toEqual([{ command_id: "rt-1", result: 1000 }]);
    const calls = rx.of("events/call");
    expect(calls[1]).toMatchObject({ call_id: ivr.call_id, call_state: "Disconnected" });
    const routed = calls.filter((c) => party(c, "to").extension === "103");
    expect(routed.map((c) => c.call_state)).toEqual(["Appeared", "Connected", "Disconnected"]);
    expect(party(routed[0] as Ev, "from").taken_from_call_id).toBe(ivr.call_id);
    expect(calls.some((c) => party(c, "to").extension === "101")).toBe(false);
    expect(rx.of("events/summary")[0]).toMatchObject({ entry_result: 1, to: { extension: "103" } });
  });

  it("refuses to route a connected call (4100)", async () => {
    await control(url, "scenarios", {
      type: "incoming",
      from: "79991234567",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 60,
    });
    await advance(url, 15_000);
    const connected = rx.of("events/call").find((c) => c.call_state === "Connected");
    expect(connected).toBeDefined();
    await mangoPost(url, "commands/route", {
      command_id: "rt-2",
      call_id: connected?.call_id,
      to_number: "102",
    });
    await advance(url, 1000);
    expect(rx.of("result/route")).toEqual([{ command_id: "rt-2", result: 4100 }]);
  });
});

describe("noSummary: the summary never comes", () => {
  it("incoming, outgoing and callback calls end every leg and send no events/summary; the next call has one", async () => {
    const scenarios = [
      { type: "incoming", from: "+79991234567", ring: ["101"], answeredBy: "101", talkSeconds: 20 },
      { type: "outgoing", from: "101", to: "79990001122" },
      { type: "callback", from: "102", to: "79990001133", outcome: "answered" },
    ];
    const ids: string[] = [];
    for (const sc of scenarios) {
      const { entry_id } = (await control(url, "scenarios", { ...sc, noSummary: true })) as {
        entry_id: string;
      };
      ids.push(entry_id);
    }
    await advance(url, 300_000);
    for (const id of ids) {
      const legs = rx.of("events/call").filter((c) => c.entry_id === id);
      const callIds = [...new Set(legs.map((c) => c.call_id))];
      expect(callIds.length).toBeGreaterThan(0);
      for (const leg of callIds)
        expect(legs.filter((c) => c.call_id === leg).at(-1)?.call_state).toBe("Disconnected");
      expect(legs.some((c) => c.call_state === "Connected")).toBe(true);
    }
    expect(rx.of("events/summary")).toEqual([]);

    const { entry_id } = (await control(url, "scenarios", {
      type: "incoming",
      from: "+79991234567",
      ring: ["101"],
      answeredBy: "101",
    })) as { entry_id: string };
    await advance(url, 300_000);
    expect(rx.of("events/summary").map((s) => s.entry_id)).toEqual([entry_id]);
  });
});
