import { describe, expect, it } from "vitest";
import type { EffectiveSettings } from "@/lib/domain/settings/effective";
import { callResultOf, employeeExtensions, skipReason } from "@/server/calls/write/decide";
import { CLIENT, foldWire, leg, SHAPES, summary } from "@/test/call-shapes";
import { unionSeconds } from "./facts";

const ext = (extension: string) => ({ extension, number: `sip:u${extension}@vpbx.mangosip.ru` });
const settings = { calls: {}, limits: { lines: [] } } as unknown as EffectiveSettings;

describe("the call's facts decide over MANGO's summary", () => {
  it("a summary calling incoming what its legs show as an employee dialling out: outgoing, and the note says so", () => {
    const call = foldWire([
      ...leg("x1", ext("101"), { number: CLIENT }, { a: 100, c: 105, d: 140 }),
      summary(1, ext("101"), { number: CLIENT }, { c: 100, talk: 105, e: 140 }),
    ]);
    expect(call).toMatchObject({
      direction: "outgoing",
      callerExtension: "101",
      answeredExtension: "101",
      clientPhone: `+${CLIENT}`,
      directionNote:
        "MANGO назвал звонок входящим, но сотрудник 101 звонил на внешний номер — записан как исходящий",
    });
  });

  it("a summary that agrees leaves no note", () => {
    expect(foldWire(SHAPES.outgoing!.events).directionNote).toBeNull();
  });

  it("a consultation leg (extension → extension) arriving first does not make the call internal", () => {
    const incoming = SHAPES.consultationTransfer!.events.filter((w) => w.kind === "events/call");
    const consultFirst = [...incoming].sort(
      (a, b) => Number(b.json.call_id === "c2") - Number(a.json.call_id === "c2"),
    );
    expect(consultFirst[0]!.json.call_id).toBe("c2");
    expect(foldWire(consultFirst.slice(0, 3)).direction).toBe("internal"); // only the consultation seen yet
    expect(foldWire(consultFirst).direction).toBe("incoming");
    const outgoing = SHAPES.outgoing!.events.filter((w) => w.kind === "events/call");
    const outConsultFirst = [...outgoing].sort(
      (a, b) => Number(b.json.call_id === "o2") - Number(a.json.call_id === "o2"),
    );
    expect(foldWire(outConsultFirst)).toMatchObject({ direction: "outgoing", callerExtension: "103" });
  });

  it("a transfer is the last talker's call, with the union of talk and everyone who talked named", () => {
    const call = foldWire(SHAPES.consultationTransfer!.events);
    // 101 talks 105–161 (on hold from 120 while consulting 102), 102 takes the client 160–230: one overlap.
    expect(call).toMatchObject({
      answeredExtension: "102",
      talkedExtensions: ["101", "102"],
      talkSeconds: 125,
      answeredAt: new Date(105_000),
      recordingIds: ["rec-a", "rec-b"],
    });
    expect(callResultOf(call)).toBe("Разговор состоялся, говорили сотрудники 101, 102");
    expect(employeeExtensions(call)).toEqual(["102", "101"]);
    const blind = foldWire(SHAPES.blindTransfer!.events);
    expect(blind).toMatchObject({
      answeredExtension: "102",
      talkedExtensions: ["101", "102"],
      talkSeconds: 95,
    });
    expect(callResultOf(foldWire(SHAPES.incomingAnswered!.events))).toBe("Разговор состоялся");
  });

  it("group hunting: everyone who rang is kept, nobody answered", () => {
    expect(foldWire(SHAPES.missedInGroup!.events)).toMatchObject({
      answeredExtension: null,
      talkedExtensions: [],
      rangExtensions: ["101", "102", "103"],
      disconnectReason: 1110,
    });
  });

  it("an answered call with no outside party anywhere is not dropped silently: the journal gets the reason", () => {
    const call = foldWire([summary(3, ext("101"), ext("102"), { c: 100, talk: 105, e: 140 })]);
    expect(call).toMatchObject({ direction: "unknown", stage: "finished", talkSeconds: 35 });
    expect(skipReason(call, settings)).toMatch(/^направление звонка не определено: .* разговор не записан$/);
  });

  it("a caller known only by a SIP URI: incoming by the parties, and skipped with the reason, not silently", () => {
    const sipClient = { number: "sip:client@other.example" };
    const call = foldWire([
      ...leg("s1", sipClient, ext("101"), { a: 100, c: 104, d: 130 }),
      summary(1, sipClient, ext("101"), { c: 100, talk: 104, e: 130 }),
    ]);
    expect(call).toMatchObject({
      direction: "incoming",
      clientPhone: null,
      answeredExtension: "101",
      talkSeconds: 26,
    });
    expect(skipReason(call, settings)).toBe("номер клиента скрыт или не распознан");
  });

  it("talk is the union of connected intervals", () => {
    expect(
      unionSeconds([
        [10, 20],
        [15, 30],
        [40, 45],
        [50, 50],
      ]),
    ).toBe(25);
    expect(unionSeconds([])).toBe(0);
  });
});
