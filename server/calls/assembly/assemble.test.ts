import { describe, expect, it } from "vitest";
import type { MangoCallEvent, MangoCallSummary } from "@/server/mango/events";
import { type AssembledCall, applyCallEvent, applySummary, emptyCall } from "./assemble";

const party = (extension: string | null, number: string | null) => ({
  extension,
  number,
  phone: number?.startsWith("7") ? `+${number}` : null,
});
const ev = (
  seq: number,
  state: string,
  ts: number,
  to: string | null,
  reason: number | null = null,
): MangoCallEvent => ({
  entryId: "E1",
  callId: to ? `leg-${to}` : "ivr",
  seq,
  timestamp: ts,
  state,
  location: to ? "abonent" : "ivr",
  from: { ...party(null, "79991234567"), takenFromCallId: null },
  to: { ...party(to, "74950000000"), acdGroup: null },
  lineNumber: "74950000000",
  disconnectReason: reason,
  commandId: null,
  taskId: null,
  callbackInitiator: null,
  transfer: null,
});
const summary: MangoCallSummary = {
  entryId: "E1",
  direction: "incoming",
  from: party(null, "79991234567"),
  to: party("101", null),
  lineNumber: "74950000000",
  createdAt: 1000,
  answeredAt: 1010,
  endedAt: 1045,
  answered: true,
  talkSeconds: 35,
  disconnectReason: 1110,
};

type Step = (c: AssembledCall) => AssembledCall;
const steps: Step[] = [
  (c) => applyCallEvent(c, ev(1, "Appeared", 1000, null), "a"),
  (c) => applyCallEvent(c, ev(1, "Appeared", 1005, "101"), "b"),
  (c) => applyCallEvent(c, ev(1, "Appeared", 1005, "102"), "c"),
  (c) => applyCallEvent(c, ev(2, "Connected", 1010, "101"), "d"),
  (c) => applyCallEvent(c, ev(2, "Disconnected", 1010, "102", 1120), "e"),
  (c) => applyCallEvent(c, ev(3, "Disconnected", 1045, "101", 1110), "f"),
  (c) => applySummary(c, summary, "s"),
];

function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const essence = (c: AssembledCall) => ({
  ...c,
  appliedEvents: [...c.appliedEvents].sort(),
  rangExtensions: [...c.rangExtensions].sort(),
});

describe("call assembly", () => {
  it("gives the same call whatever order and however often events arrive", () => {
    const inOrder = essence(steps.reduce((c, s) => s(c), emptyCall()));
    expect(inOrder).toMatchObject({
      direction: "incoming",
      stage: "finished",
      clientPhone: "+79991234567",
      answeredExtension: "101",
      talkSeconds: 35,
      disconnectReason: 1110,
      rangExtensions: ["101", "102"],
    });
    for (let seed = 1; seed <= 50; seed++) {
      const twice = shuffled([...steps, ...steps], seed);
      expect(essence(twice.reduce((c, s) => s(c), emptyCall())), `seed ${seed}`).toEqual(inOrder);
    }
  });

  it("keeps a call in progress until its summary, with the provisional facts", () => {
    const c = steps.slice(0, 4).reduce((acc, s) => s(acc), emptyCall());
    expect(c).toMatchObject({
      stage: "in_progress",
      answeredExtension: "101",
      answeredAt: new Date(1010_000),
    });
  });

  it("keeps the caller of an unanswered outgoing call, from the events and from the summary", () => {
    const out = (seq: number, state: string, ts: number): MangoCallEvent => ({
      ...ev(seq, state, ts, null),
      callId: "leg-out",
      from: { ...party("102", "74950000001"), takenFromCallId: null },
      to: { ...party(null, "79991234567"), acdGroup: null },
    });
    const unanswered: MangoCallSummary = {
      ...summary,
      direction: "outgoing",
      from: party("102", "74950000001"),
      to: party(null, "79991234567"),
      answeredAt: null,
      answered: false,
      talkSeconds: 0,
      disconnectReason: 1111,
    };
    const events = applyCallEvent(emptyCall(), out(1, "Appeared", 1000), "o1");
    expect(events).toMatchObject({ direction: "outgoing", callerExtension: "102" });
    const done = applySummary(events, unanswered, "s");
    expect(done).toMatchObject({ callerExtension: "102", answeredExtension: null });
    expect(applySummary(emptyCall(), unanswered, "s").callerExtension).toBe("102");
    expect(applySummary(emptyCall(), summary, "s").callerExtension).toBeNull();
  });
});
