import type { CallOutcome } from "../state";
import type { Employee, Pbx } from "../types";
import type { Engine, Entry, Party } from "./engine";
import { mangoNumber, primaryNumber } from "./incoming";

/**
 * Callback (commands/callback, callback_group, КЦ campaign calls) — spec appendix "Инициирование исходящего
 * вызова": MANGO first rings the EMPLOYEE on leg 1, whose events show `from` = destination and `to` = employee
 * (reversed); once the employee answers, leg 1 ends (1000) and leg 2 (same entry_id, new call_id,
 * from.taken_from_call_id = leg 1) rings the destination. Every event carries the command's command_id.
 */
export interface CallbackSpec {
  employee: Employee;
  toNumber: string;
  fromNumber?: string;
  lineNumber?: string;
  outcome: CallOutcome;
  talkSeconds: number;
  recorded: boolean;
  commandId?: string;
  /** "result/callback" | "result/callback_group" — posted first when the call came from a command. */
  resultPath?: string;
  /** task_id / callback_initiator for КЦ campaign and auto-callback calls. */
  extras?: Record<string, unknown>;
  acdGroup?: string;
  /** Time until the employee answers leg 1 (default 3 s; `Call-Info/answer-after` shortens it). */
  operatorAnswerMs?: number;
  onFinish?: (entry: Entry, answered: boolean, reason: number) => void;
}

export function destinationParty(pbx: Pbx, to: string): { party: Party; employee?: Employee } {
  const emp = pbx.employees.find((e) => e.extension === to);
  if (emp) return { party: { extension: emp.extension, number: primaryNumber(emp) }, employee: emp };
  return { party: { number: mangoNumber(to) } };
}

export function startCallback(engine: Engine, pbx: Pbx, spec: CallbackSpec): Entry {
  const emp = spec.employee;
  const empParty: Party = { extension: emp.extension, number: spec.fromNumber ?? primaryNumber(emp) };
  const dest = destinationParty(pbx, spec.toNumber).party;
  const line = spec.lineNumber
    ? mangoNumber(spec.lineNumber)
    : (emp.outgoingLine ?? pbx.lines[0]?.number ?? "");
  const entry = engine.open(
    pbx,
    { call_direction: dest.extension ? 0 : 2, from: empParty, line_number: line },
    spec.recorded,
  );
  entry.onFinish = spec.onFinish;
  const extras: Record<string, unknown> = { ...(spec.extras ?? {}) };
  if (spec.commandId !== undefined) extras.command_id = spec.commandId;
  const t0 = engine.clock.now();
  const resultPath = spec.resultPath;
  if (resultPath) engine.at(entry, t0, 0, () => engine.result(pbx, resultPath, spec.commandId, 1000));
  const toEmp = spec.acdGroup ? { ...empParty, acd_group: spec.acdGroup } : empParty;
  const leg1 = engine.defineLeg(entry, { location: "abonent", from: dest, to: toEmp, extras });
  engine.at(entry, t0, 500, () => engine.emitLeg(entry, leg1, "Appeared"));
  const endAt = (offset: number, callId: string, reason: number) =>
    engine.at(entry, t0, offset, () => {
      engine.setMissedHop(entry, dest);
      engine.emitLeg(entry, callId, "Disconnected", reason);
      engine.finish(entry, reason);
    });
  if (spec.outcome === "operator_busy") {
    endAt(1500, leg1, 1121);
    return entry;
  }
  if (spec.outcome === "operator_no_answer") {
    endAt(20500, leg1, 1111);
    return entry;
  }
  // The employee picks up after ~3 s, or at once when the command asked for auto-answer (Call-Info/answer-after).
  const opAnswer = 500 + (spec.operatorAnswerMs ?? 3000);
  engine.at(entry, t0, opAnswer, () => engine.emitLeg(entry, leg1, "Connected"));
  engine.at(entry, t0, opAnswer + 2000, () => engine.emitLeg(entry, leg1, "Disconnected", 1000));
  const leg2 = engine.defineLeg(entry, {
    location: "abonent",
    from: { ...empParty, taken_from_call_id: leg1 },
    to: dest,
    extras,
    takenFromOnlyOnAppeared: true,
    employee: emp,
  });
  const leg2At = opAnswer + 3000;
  engine.at(entry, t0, leg2At, () => engine.emitLeg(entry, leg2, "Appeared"));
  if (spec.outcome === "client_busy") {
    endAt(leg2At + 2000, leg2, 1121);
    return entry;
  }
  if (spec.outcome === "client_no_answer") {
    endAt(leg2At + 25_000, leg2, 1111);
    return entry;
  }
  engine.at(entry, t0, leg2At + 6000, () => {
    engine.emitLeg(entry, leg2, "Connected");
    engine.markTalk(entry, dest);
  });
  engine.at(entry, t0, leg2At + 6000 + spec.talkSeconds * 1000, () => {
    engine.emitLeg(entry, leg2, "Disconnected", 1120);
    engine.finish(entry, 1120);
  });
  return entry;
}

/** An employee dials out from their own phone (no command): one leg, summary with call_direction 2. */
export interface OutgoingSpec {
  employee: Employee;
  toNumber: string;
  lineNumber?: string;
  outcome: "answered" | "client_no_answer" | "client_busy";
  talkSeconds: number;
  ringSeconds: number;
  recorded: boolean;
}

export function startOutgoing(engine: Engine, pbx: Pbx, spec: OutgoingSpec): Entry {
  const emp = spec.employee;
  const dest = destinationParty(pbx, spec.toNumber).party;
  const line = spec.lineNumber
    ? mangoNumber(spec.lineNumber)
    : (emp.outgoingLine ?? pbx.lines[0]?.number ?? "");
  const entry = engine.open(
    pbx,
    {
      call_direction: dest.extension ? 0 : 2,
      from: { extension: emp.extension, number: primaryNumber(emp) },
      line_number: line,
    },
    spec.recorded,
  );
  const t0 = engine.clock.now();
  const leg = engine.defineLeg(entry, {
    location: "abonent",
    from: { extension: emp.extension },
    to: dest,
    employee: emp,
  });
  engine.at(entry, t0, 0, () => engine.emitLeg(entry, leg, "Appeared"));
  const ringMs = spec.ringSeconds * 1000;
  if (spec.outcome !== "answered") {
    const reason = spec.outcome === "client_busy" ? 1121 : 1111;
    engine.at(entry, t0, ringMs, () => {
      engine.setMissedHop(entry, dest);
      engine.emitLeg(entry, leg, "Disconnected", reason);
      engine.finish(entry, reason);
    });
    return entry;
  }
  engine.at(entry, t0, ringMs, () => {
    // Once connected MANGO reports the caller id (line) the employee called from.
    const l = entry.legs.get(leg);
    if (l) l.from = { extension: emp.extension, number: line };
    engine.emitLeg(entry, leg, "Connected");
    engine.markTalk(entry, dest);
  });
  engine.at(entry, t0, ringMs + spec.talkSeconds * 1000, () => {
    engine.emitLeg(entry, leg, "Disconnected", 1120);
    engine.finish(entry, 1120);
  });
  return entry;
}
