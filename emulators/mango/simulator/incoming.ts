import type { Employee, Pbx } from "../types";
import { type HoldSpec, scheduleConversation, type TransferSpec } from "./conversation";
import type { Engine, Entry, Party } from "./engine";

/**
 * Incoming call timeline: IVR leg → (optional DTMF) → parallel ringing of employees (one leg each, carrying
 * taken_from_call_id of the IVR leg) → one answers (others drop) or nobody does → Disconnected → summary.
 */
export interface IncomingScenario {
  from: string;
  line?: string;
  ring?: string[];
  group?: string;
  answeredBy?: string;
  busy?: string[];
  talkSeconds?: number;
  ringSeconds?: number;
  ivrSeconds?: number;
  recorded?: boolean;
  hangupBy?: "client" | "operator";
  dtmf?: string;
  dct?: { number?: string; type: number };
  /** Disconnect reason when the call ends unanswered (default 1110: the caller hung up while waiting). */
  missedReason?: number;
  /** After the answer: the employee puts the client on hold and resumes (conversation.ts). */
  hold?: HoldSpec;
  /** After the answer: a blind or consultative transfer to another employee (conversation.ts). */
  transfer?: TransferSpec;
}

/** MANGO shows PSTN numbers as digits with country code and no "+". */
export function mangoNumber(n: string): string {
  return n.startsWith("sip:") ? n : n.replace(/[^\d]/g, "");
}

export function primaryNumber(e: Employee): string {
  return e.numbers.find((n) => n.status === "on")?.number ?? e.numbers[0]?.number ?? "";
}

export function startIncoming(engine: Engine, pbx: Pbx, sc: IncomingScenario): Entry {
  const caller = mangoNumber(sc.from);
  const line = mangoNumber(sc.line ?? pbx.lines[0]?.number ?? "");
  const group = sc.group ? pbx.groups.find((g) => g.extension === sc.group) : undefined;
  const groupExts = group
    ? group.operators
        .map((o) => pbx.employees.find((e) => e.userId === o.userId)?.extension ?? "")
        .filter(Boolean)
    : [];
  const ringExts = sc.ring ?? groupExts;
  const ringing = ringExts
    .map((x) => pbx.employees.find((e) => e.extension === x))
    .filter((e): e is Employee => !!e);
  const busy = new Set([...(sc.busy ?? []), ...pbx.employees.filter((e) => e.busy).map((e) => e.extension)]);
  const entry = engine.open(
    pbx,
    { call_direction: 1, from: { number: caller }, line_number: line },
    sc.recorded ?? false,
  );
  entry.plan = {
    caller,
    line,
    talkSeconds: sc.talkSeconds ?? 30,
    hangupBy: sc.hangupBy ?? "client",
    dct: sc.dct ?? { type: 0 },
  };
  const t0 = engine.clock.now();
  const ivrMs = (sc.ivrSeconds ?? 5) * 1000;
  const ivr = engine.defineLeg(entry, {
    location: "ivr",
    from: { number: caller },
    to: { number: line, line_number: line },
  });
  engine.at(entry, t0, 0, () => engine.emitLeg(entry, ivr, "Appeared"));
  if (sc.dtmf) {
    const dtmf = sc.dtmf;
    engine.at(entry, t0, ivrMs / 2, () => {
      engine.delivery.send(pbx, "events/dtmf", {
        seq: 1,
        dtmf,
        timestamp: engine.clock.nowSeconds(),
        call_id: ivr,
        entry_id: entry.entryId,
        location: "ivr.1",
        initiator: caller,
        from_number: caller,
        to_number: line,
        line_number: line,
      });
    });
  }
  if (ringing.length === 0) {
    // Ended inside the IVR (e.g. the scheme's final message): summary with an empty `to`.
    engine.at(entry, t0, ivrMs, () => {
      engine.emitLeg(entry, ivr, "Disconnected", sc.missedReason ?? 1170);
      engine.finish(entry, sc.missedReason ?? 1170);
    });
    return entry;
  }
  const legs = ringing.map((emp) => {
    const to: Party = { extension: emp.extension, number: primaryNumber(emp), line_number: line };
    if (group) to.acd_group = group.extension;
    const dct = sc.dct ?? { type: 0 };
    const callId = engine.defineLeg(entry, {
      location: "abonent",
      from: { number: caller, taken_from_call_id: ivr },
      to,
      extras: { dct },
      employee: emp,
    });
    return { emp, callId, to };
  });
  engine.at(entry, t0, ivrMs, () => {
    engine.markForward(entry);
    engine.emitLeg(entry, ivr, "Disconnected", 1100);
    for (const l of legs) engine.emitLeg(entry, l.callId, "Appeared");
  });
  for (const l of legs.filter((x) => busy.has(x.emp.extension))) {
    engine.at(entry, t0, ivrMs + 1000, () => engine.emitLeg(entry, l.callId, "Disconnected", 1121));
  }
  const answered = legs.find((l) => l.emp.extension === sc.answeredBy && !busy.has(l.emp.extension));
  const ringMs = (sc.ringSeconds ?? (answered ? 8 : 20)) * 1000;
  const first = legs[0];
  if (!answered) {
    engine.at(entry, t0, ivrMs + ringMs, () => {
      const reason = sc.missedReason ?? 1110;
      if (first) engine.setMissedHop(entry, { extension: first.emp.extension, number: first.to.number });
      for (const l of legs) engine.emitLeg(entry, l.callId, "Disconnected", reason);
      engine.finish(entry, reason);
    });
    return entry;
  }
  engine.at(entry, t0, ivrMs + ringMs, () => {
    engine.emitLeg(entry, answered.callId, "Connected");
    engine.markTalk(entry, { extension: answered.emp.extension, number: answered.to.number });
    // Parallel ringing: the legs that lost the race end normally.
    for (const l of legs) if (l !== answered) engine.emitLeg(entry, l.callId, "Disconnected", 1100);
  });
  scheduleConversation(engine, pbx, entry, t0, ivrMs + ringMs, answered, {
    ...entry.plan,
    hold: sc.hold,
    transfer: sc.transfer,
  });
  return entry;
}
