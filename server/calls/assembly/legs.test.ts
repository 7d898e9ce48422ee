import { describe, expect, it } from "vitest";
import type { MangoCallEvent } from "@/server/mango/events";
import { type AssembledCall, applyCallEvent, emptyCall } from "./assemble";
import { allLegsDisconnected, finishFromLegs } from "./legs";

type Side = { ext?: string; num?: string };
const party = (p: Side) => ({
  extension: p.ext ?? null,
  number: p.num ?? null,
  phone: p.num ? `+${p.num}` : null,
});
let seq = 0;
const ev = (
  callId: string,
  state: string,
  ts: number,
  from: Side,
  to: Side,
  extra: Partial<MangoCallEvent> = {},
): MangoCallEvent => ({
  entryId: "E1",
  callId,
  seq: ++seq,
  timestamp: ts,
  state,
  location: "abonent",
  from: { ...party(from), takenFromCallId: null },
  to: { ...party(to), acdGroup: null },
  lineNumber: null,
  disconnectReason: state === "Disconnected" ? 1110 : null,
  commandId: null,
  taskId: null,
  callbackInitiator: null,
  transfer: null,
  ...extra,
});
const fold = (events: MangoCallEvent[]) =>
  events.reduce<AssembledCall>((c, e, i) => applyCallEvent(c, e, `e${i}`), emptyCall());
const CLIENT = { num: "79991234567" };

describe("finishing a call from its legs", () => {
  it("incoming, answered by 102 after IVR, 101 lost the race: talk from Connected to Disconnected", () => {
    const call = fold([
      ev("ivr", "Appeared", 100, CLIENT, { num: "74950000000" }),
      ev("ivr", "Disconnected", 105, CLIENT, { num: "74950000000" }),
      ev("l1", "Appeared", 105, CLIENT, { ext: "101" }),
      ev("l2", "Appeared", 105, CLIENT, { ext: "102" }),
      ev("l2", "Connected", 112, CLIENT, { ext: "102" }),
      ev("l1", "Disconnected", 112, CLIENT, { ext: "101" }),
      ev("l2", "Disconnected", 150, CLIENT, { ext: "102" }),
    ]);
    expect(allLegsDisconnected(call.legs)).toBe(true);
    const done = finishFromLegs(call, call.legs);
    expect(done).toMatchObject({
      stage: "finished",
      direction: "incoming",
      clientPhone: "+79991234567",
      answeredExtension: "102",
      talkSeconds: 38,
      startedAt: new Date(100_000),
      answeredAt: new Date(112_000),
      endedAt: new Date(150_000),
    });
    // The legs keep no number (the call's own is sealed at rest).
    expect(JSON.stringify(call.legs)).not.toContain("9991234567");
  });

  it("a callback whose client did not answer is outgoing and unanswered, though the employee's leg connected", () => {
    const cb = { commandId: "acb-1" };
    const call = fold([
      ev("leg1", "Appeared", 100, CLIENT, { ext: "101" }, cb),
      ev("leg1", "Connected", 103, CLIENT, { ext: "101" }, cb),
      ev("leg1", "Disconnected", 105, CLIENT, { ext: "101" }, cb),
      ev("leg2", "Appeared", 106, { ext: "101" }, CLIENT, cb),
      ev("leg2", "Disconnected", 131, { ext: "101" }, CLIENT, cb),
    ]);
    expect(finishFromLegs(call, call.legs)).toMatchObject({
      direction: "outgoing",
      clientPhone: "+79991234567",
      callerExtension: "101",
      answeredExtension: null,
      answeredAt: null,
      talkSeconds: 0,
      endedAt: new Date(131_000),
    });
  });

  it("an employee's outgoing call the client answered: the caller answered it", () => {
    const call = fold([
      ev("l", "Appeared", 100, { ext: "103" }, CLIENT),
      ev("l", "Connected", 108, { ext: "103" }, CLIENT),
      ev("l", "Disconnected", 138, { ext: "103" }, CLIENT),
    ]);
    expect(finishFromLegs(call, call.legs)).toMatchObject({
      direction: "outgoing",
      callerExtension: "103",
      answeredExtension: "103",
      talkSeconds: 30,
    });
  });

  it("a leg still up is not all disconnected; a Disconnected before its Appeared counts", () => {
    const up = fold([ev("l", "Appeared", 100, CLIENT, { ext: "101" })]);
    expect(allLegsDisconnected(up.legs)).toBe(false);
    expect(allLegsDisconnected(emptyCall().legs)).toBe(false);
    const reordered = fold([
      ev("l", "Disconnected", 120, CLIENT, { ext: "101" }),
      ev("l", "Appeared", 100, CLIENT, { ext: "101" }),
    ]);
    expect(allLegsDisconnected(reordered.legs)).toBe(true);
  });
});
