import type { Employee, Pbx } from "../types";
import type { Engine, Entry, Leg, Party } from "./engine";
import { primaryNumber } from "./incoming";

/**
 * What happens on an answered incoming call after the answer: plain talk, hold/resume, or a transfer
 * (SPEC §3.2.8, reference §2.8 and §3.1). Scheduled on the entry's timeline from `answerMs`.
 *
 * - hold: the employee's leg goes OnHold (`to.hold_initiator: true`, "only in OnHold") and back to Connected
 *   on the same call_id; talk time excludes the hold.
 * - blind: the employee's leg ends (1100, `from.was_transferred: true` — "only in Disconnected") and a new
 *   leg rings the target with `from.taken_from_call_id` = that leg and `transfer: "blind"`.
 * - consultative (method "hold" of commands/transfer): the client's leg goes OnHold, a new internal leg
 *   A → B (`transfer: "consultative"`) rings and connects; then A hangs up — the reference: "to join held party
 *   and consultant the initiator must hang up" — so the client's leg ends (1100, was_transferred) and the
 *   consultation leg is Connected again with the caller substituted (as the reference describes for a blind
 *   transfer out of a consultative call: "no new call is created: a second Connected with substituted caller").
 *
 * The summary's `to` is whoever finished the call (the transfer target); `talk_time` stays the first answer.
 */

export interface HoldSpec {
  afterSeconds?: number;
  seconds?: number;
}

export interface TransferSpec {
  method: "blind" | "consultative";
  to: string;
  afterSeconds?: number;
  ringSeconds?: number;
  consultSeconds?: number;
}

export interface Answered {
  emp: Employee;
  callId: string;
  to: Party;
}

export interface ConversationPlan {
  caller: string;
  line: string;
  talkSeconds: number;
  hangupBy: "client" | "operator";
  dct: { number?: string; type: number };
  hold?: HoldSpec;
  transfer?: TransferSpec;
}

export function scheduleConversation(
  engine: Engine,
  pbx: Pbx,
  entry: Entry,
  t0: number,
  answerMs: number,
  a: Answered,
  plan: ConversationPlan,
): void {
  const reason = plan.hangupBy === "operator" ? 1120 : 1110;
  const talkMs = plan.talkSeconds * 1000;
  const end = (offset: number, callId: string) =>
    engine.at(entry, t0, offset, () => {
      engine.emitLeg(entry, callId, "Disconnected", reason);
      engine.finish(entry, reason);
    });
  const target = plan.transfer && pbx.employees.find((e) => e.extension === plan.transfer?.to);
  if (plan.transfer && target) {
    transfer(engine, entry, t0, answerMs, a, plan, plan.transfer, target, end);
    return;
  }
  if (plan.hold) {
    const after = Math.min((plan.hold.afterSeconds ?? 10) * 1000, talkMs);
    const holdMs = (plan.hold.seconds ?? 15) * 1000;
    engine.at(entry, t0, answerMs + after, () => {
      setTransient(entry, a.callId, { to: { hold_initiator: true } });
      engine.emitLeg(entry, a.callId, "OnHold");
    });
    engine.at(entry, t0, answerMs + after + holdMs, () => engine.emitLeg(entry, a.callId, "Connected"));
    end(answerMs + talkMs + holdMs, a.callId);
    return;
  }
  end(answerMs + talkMs, a.callId);
}

function setTransient(entry: Entry, callId: string, t: Leg["transient"]): void {
  const leg = entry.legs.get(callId);
  if (leg) leg.transient = t;
}

function transfer(
  engine: Engine,
  entry: Entry,
  t0: number,
  answerMs: number,
  a: Answered,
  plan: ConversationPlan,
  spec: TransferSpec,
  target: Employee,
  end: (offset: number, callId: string) => void,
): void {
  const at = answerMs + (spec.afterSeconds ?? 10) * 1000;
  const ringMs = (spec.ringSeconds ?? 5) * 1000;
  const targetParty: Party = { extension: target.extension, number: primaryNumber(target) };
  const transferred = (kind: string) =>
    setTransient(entry, a.callId, { from: { was_transferred: true }, fields: { transfer: kind } });

  if (spec.method === "blind") {
    const b = engine.defineLeg(entry, {
      location: "abonent",
      from: { number: plan.caller, taken_from_call_id: a.callId },
      to: { ...targetParty, line_number: plan.line },
      extras: { dct: plan.dct, transfer: "blind" },
      employee: target,
    });
    engine.at(entry, t0, at, () => {
      transferred("blind");
      engine.emitLeg(entry, a.callId, "Disconnected", 1100);
      engine.emitLeg(entry, b, "Appeared");
    });
    engine.at(entry, t0, at + ringMs, () => {
      engine.emitLeg(entry, b, "Connected");
      entry.summaryTo = targetParty;
    });
    end(at + ringMs + plan.talkSeconds * 1000, b);
    return;
  }

  const consultMs = (spec.consultSeconds ?? 15) * 1000;
  const c = engine.defineLeg(entry, {
    location: "abonent",
    from: { extension: a.emp.extension, number: primaryNumber(a.emp) },
    to: targetParty,
    extras: { transfer: "consultative" },
    employee: target,
  });
  engine.at(entry, t0, at, () => {
    setTransient(entry, a.callId, { to: { hold_initiator: true }, fields: { transfer: "consultative" } });
    engine.emitLeg(entry, a.callId, "OnHold");
    engine.emitLeg(entry, c, "Appeared");
  });
  engine.at(entry, t0, at + ringMs, () => engine.emitLeg(entry, c, "Connected"));
  const bridge = at + ringMs + consultMs;
  engine.at(entry, t0, bridge, () => {
    transferred("consultative");
    engine.emitLeg(entry, a.callId, "Disconnected", 1100);
    const leg = entry.legs.get(c);
    if (leg) leg.from = { number: plan.caller, taken_from_call_id: a.callId };
    engine.emitLeg(entry, c, "Connected");
    entry.summaryTo = targetParty;
  });
  end(bridge + plan.talkSeconds * 1000, c);
}
