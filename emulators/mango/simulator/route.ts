import type { Employee, Pbx } from "../types";
import type { Engine, Party } from "./engine";
import { mangoNumber, primaryNumber } from "./incoming";

/**
 * commands/route (SPEC §3.2.7): re-route an incoming call that is still in the IVR / a queue, or intercept a
 * leg that is only ringing (Appeared). The rest of the scripted timeline is dropped; the current legs end and
 * new leg(s) ring the target — an employee (extension), a group (its operators) or any external number —
 * each with from.taken_from_call_id = the routed leg. A free employee answers after RING_MS and the call
 * continues with the scenario's talk time.
 *
 * Returns the result code for result/route: 1000, 4101 (call not live), 4100 (impossible: connected call or
 * not an incoming call), 3200 (unknown short number).
 */

const RING_MS = 5000;
const MISSED_MS = 20_000;

export function routeCall(engine: Engine, pbx: Pbx, callId: string, toNumber: string): number {
  const found = engine.findLeg(pbx, callId);
  if (!found) return 4101;
  const { entry, leg } = found;
  const plan = entry.plan;
  const routable = leg.location === "ivr" || leg.location === "queue" || leg.state === "Appeared";
  if (!plan || !routable) return 4100;
  const group = pbx.groups.find((g) => g.extension === toNumber);
  const employee = pbx.employees.find((e) => e.extension === toNumber);
  const targets: Employee[] = group
    ? group.operators
        .map((o) => pbx.employees.find((e) => e.userId === o.userId))
        .filter((e): e is Employee => !!e)
    : employee
      ? [employee]
      : [];
  const external = !group && !employee;
  if (external && mangoNumber(toNumber).length < 6) return 3200;

  engine.cancelTimeline(entry);
  const t0 = engine.clock.now();
  // Scheduled (not emitted inline) so result/route, posted by the caller right after, goes out first.
  engine.at(entry, t0, 0, () => {
    for (const l of entry.legs.values()) {
      if (l.state === "Appeared" || l.state === "Connected")
        engine.emitLeg(entry, l.callId, "Disconnected", 1100);
    }
    if (entry.forwardTime === 0) engine.markForward(entry);
  });
  const from: Party = { number: plan.caller, taken_from_call_id: callId };
  const endReason = plan.hangupBy === "operator" ? 1120 : 1110;

  if (external) {
    const to: Party = { number: mangoNumber(toNumber) };
    const id = engine.defineLeg(entry, { location: "abonent", from, to });
    engine.at(entry, t0, 0, () => engine.emitLeg(entry, id, "Appeared"));
    engine.at(entry, t0, RING_MS, () => {
      engine.emitLeg(entry, id, "Connected");
      engine.markTalk(entry, to);
    });
    engine.at(entry, t0, RING_MS + plan.talkSeconds * 1000, () => {
      engine.emitLeg(entry, id, "Disconnected", endReason);
      engine.finish(entry, endReason);
    });
    return 1000;
  }

  const legs = targets.map((emp) => {
    const to: Party = { extension: emp.extension, number: primaryNumber(emp), line_number: plan.line };
    if (group) to.acd_group = group.extension;
    return {
      emp,
      to,
      id: engine.defineLeg(entry, {
        location: "abonent",
        from,
        to,
        extras: { dct: plan.dct },
        employee: emp,
      }),
    };
  });
  engine.at(entry, t0, 0, () => {
    for (const l of legs) engine.emitLeg(entry, l.id, "Appeared");
  });
  for (const l of legs.filter((x) => x.emp.busy)) {
    engine.at(entry, t0, 1000, () => engine.emitLeg(entry, l.id, "Disconnected", 1121));
  }
  const answering = legs.find((l) => !l.emp.busy);
  if (!answering) {
    engine.at(entry, t0, MISSED_MS, () => {
      const first = legs[0];
      if (first) engine.setMissedHop(entry, { extension: first.emp.extension, number: first.to.number });
      for (const l of legs) engine.emitLeg(entry, l.id, "Disconnected", 1110);
      engine.finish(entry, 1110);
    });
    return 1000;
  }
  engine.at(entry, t0, RING_MS, () => {
    engine.emitLeg(entry, answering.id, "Connected");
    engine.markTalk(entry, { extension: answering.emp.extension, number: answering.to.number });
    for (const l of legs) if (l !== answering) engine.emitLeg(entry, l.id, "Disconnected", 1100);
  });
  engine.at(entry, t0, RING_MS + plan.talkSeconds * 1000, () => {
    engine.emitLeg(entry, answering.id, "Disconnected", endReason);
    engine.finish(entry, endReason);
  });
  return 1000;
}
