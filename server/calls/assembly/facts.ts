// The call record as a pure function of what its events said: the legs (legs.ts), MANGO's summary (kept as
// it came, without numbers) and the callback markers. Every fold recomputes it, so no field depends on which
// event came first. Direction and the employees come from the legs' parties; the summary's direction is a
// hint for what the legs leave open, and a summary the legs contradict is logged by the legs with a note.
import type { MangoCallDirection } from "@/server/mango/events";
import type { AssembledCall } from "./assemble";
import { type CallLeg, isOutside, orderedLegs } from "./legs";

/** What `events/summary` said, numbers left out (the client's is sealed on the row). */
export type SummaryFacts = {
  direction: MangoCallDirection;
  fromExtension: string | null;
  toExtension: string | null;
  lineNumber: string | null;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number;
  talkSeconds: number;
  disconnectReason: number | null;
};

type Kind = "in" | "out" | "internal" | "other";

/** A leg's shape: an outside party calling in, an employee dialling out, or employees between themselves. */
function kindOf(l: CallLeg): Kind {
  if (l.from.extension !== null && l.to.extension !== null) return "internal";
  if (l.from.extension !== null && isOutside(l.to)) return "out";
  if (isOutside(l.from)) return "in";
  return "other";
}

type Leg = { id: string; leg: CallLeg; kind: Kind };

const at = (seconds: number) => new Date(seconds * 1000);
const unique = (list: (string | null)[]) => [...new Set(list.filter((x): x is string => x !== null))];

const DIRECTION_WORD: Record<MangoCallDirection, string> = {
  incoming: "входящий",
  outgoing: "исходящий",
  internal: "внутренний",
  unknown: "неопределённый",
};
const DIRECTION_NAMED: Record<MangoCallDirection, string> = {
  incoming: "входящим",
  outgoing: "исходящим",
  internal: "внутренним",
  unknown: "неопределённым",
};

/** Direction by the legs, with the summary deciding between legs of both shapes; null when they show none. */
function directionByLegs(legs: Leg[], callback: boolean, hint: MangoCallDirection | null) {
  const inOut = legs.filter((l) => l.kind === "in" || l.kind === "out");
  if (inOut.length === 0)
    return legs.length > 0 && legs.every((l) => l.kind === "internal") ? "internal" : null;
  // A callback rings the employee first (a leg that looks incoming), then dials the client.
  if (callback) return "outgoing";
  const kinds = new Set(inOut.map((l) => l.kind));
  if (kinds.size === 1) return kinds.has("in") ? "incoming" : "outgoing";
  if (hint === "incoming" || hint === "outgoing") return hint;
  return inOut[0]!.kind === "in" ? "incoming" : "outgoing";
}

/** «MANGO назвал звонок входящим, но сотрудник 101 звонил на внешний номер — записан как исходящий». */
function disagreement(said: MangoCallDirection, direction: MangoCallDirection, legs: Leg[]): string {
  const out = legs.find((l) => l.kind === "out");
  const inbound = legs.find((l) => l.kind === "in");
  const fact =
    direction === "outgoing" && out
      ? `сотрудник ${out.leg.from.extension} звонил на внешний номер`
      : direction === "incoming" && inbound
        ? `звонок пришёл с внешнего номера${inbound.leg.to.extension ? ` сотруднику ${inbound.leg.to.extension}` : ""}`
        : direction === "internal"
          ? `в звонке были только сотрудники (${unique(legs.flatMap((l) => [l.leg.from.extension, l.leg.to.extension])).join(", ")})`
          : "события звонка говорят другое";
  return `MANGO назвал звонок ${DIRECTION_NAMED[said]}, но ${fact} — записан как ${DIRECTION_WORD[direction]}`;
}

type ClientLeg = Leg & { employee: string | null; bridgedAt: number | null };

/** The legs a conversation with the client happens on, and the employee on each. */
function clientLegs(legs: Leg[], direction: MangoCallDirection, callback: boolean): ClientLeg[] {
  const firstOut = legs.find((l) => l.kind === "out");
  return legs.flatMap((l): ClientLeg[] => {
    if (direction === "internal")
      return [{ ...l, employee: l.leg.to.extension ?? l.leg.from.extension, bridgedAt: null }];
    if (l.kind === "out" && direction === "outgoing")
      return [{ ...l, employee: l.leg.from.extension, bridgedAt: null }];
    if (l.kind === "in" && l.leg.to.extension !== null) {
      // A callback's legs before its dial-out ring the employee: no conversation with the client yet.
      if (callback && (!firstOut || legs.indexOf(l) < legs.indexOf(firstOut))) return [];
      return [{ ...l, employee: l.leg.to.extension, bridgedAt: null }];
    }
    // A consultation leg the client was bridged onto: the conversation there starts when the client joined.
    if (l.kind === "internal" && l.leg.clientConnectedAt != null && l.leg.clientEmployee)
      return [{ ...l, employee: l.leg.clientEmployee, bridgedAt: l.leg.clientConnectedAt }];
    return [];
  });
}

/** Seconds covered by the union of [start, end] intervals: overlapping legs count once. */
export function unionSeconds(intervals: [number, number][]): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const [a, b] of sorted) {
    if (cur && a <= cur[1]) cur[1] = Math.max(cur[1], b);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    }
  }
  return total + (cur ? cur[1] - cur[0] : 0);
}

/** Every derived field of the call from its legs, summary and markers. Pure and order-independent. */
export function deriveCall(call: AssembledCall): AssembledCall {
  const s = call.summary;
  const legs: Leg[] = orderedLegs(call.legs).map(([id, leg]) => ({ id, leg, kind: kindOf(leg) }));
  const callback = call.commandId !== null || call.callbackInitiator !== null;
  const byLegs = directionByLegs(legs, callback, s?.direction ?? null);
  const direction: MangoCallDirection = byLegs ?? s?.direction ?? "unknown";
  const directionNote =
    s && byLegs && s.direction !== "unknown" && s.direction !== byLegs
      ? disagreement(s.direction, byLegs, legs)
      : null;

  const times = legs.flatMap(({ leg }) => [leg.appearedAt, leg.connectedAt, leg.disconnectedAt]);
  const known = [...times, s?.createdAt ?? null, s?.endedAt ?? null].filter((t) => t !== null);
  const lastKnown = known.length > 0 ? Math.max(...known) : null;

  const answered = clientLegs(legs, direction, callback)
    .filter((l) => l.leg.connectedAt !== null && l.employee !== null)
    .map((l) => ({
      ...l,
      start: l.bridgedAt ?? l.leg.connectedAt!,
      end: l.leg.disconnectedAt ?? lastKnown!,
    }))
    .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  // Who finished the conversation: the answered leg that disconnected last (one still up counts as last).
  const finisher = [...answered].sort(
    (a, b) =>
      (b.leg.disconnectedAt ?? Number.POSITIVE_INFINITY) -
        (a.leg.disconnectedAt ?? Number.POSITIVE_INFINITY) ||
      b.start - a.start ||
      (a.id < b.id ? 1 : -1),
  )[0];
  const summaryEmployee = s ? (s.direction === "outgoing" ? s.fromExtension : s.toExtension) : null;
  const summaryAnswered = s !== null && s.answeredAt !== null && s.talkSeconds > 0;

  const dialOut = legs.find((l) => l.kind === "out");
  const ringing = legs.find((l) => l.kind === "in" && l.leg.to.extension !== null);
  const callerExtension =
    direction !== "outgoing"
      ? null
      : (dialOut?.leg.from.extension ??
        (callback ? ringing?.leg.to.extension : null) ??
        (s?.direction === "outgoing" ? s.fromExtension : null) ??
        null);
  const rang =
    direction === "outgoing"
      ? []
      : unique([
          ...legs
            .filter(({ leg }) => leg.appearedAt !== null || leg.connectedAt !== null)
            .map(({ leg }) => leg.to.extension),
          ...answered.map((l) => l.employee),
          summaryAnswered && s.direction !== "outgoing" ? summaryEmployee : null,
        ]);

  const disconnected = legs
    .filter(({ leg }) => leg.disconnectedAt !== null)
    .sort((a, b) => b.leg.disconnectedAt! - a.leg.disconnectedAt! || (a.id < b.id ? 1 : -1));
  const last = disconnected[0];
  const starts = [...times, s?.createdAt ?? null].filter((t) => t !== null);

  return {
    ...call,
    stage: s !== null || call.finishedBy !== null ? "finished" : "in_progress",
    direction,
    directionNote,
    lineNumber: s?.lineNumber ?? legs.find(({ leg }) => leg.line)?.leg.line ?? null,
    startedAt: starts.length > 0 ? at(Math.min(...starts)) : null,
    endedAt: s ? at(s.endedAt) : last ? at(last.leg.disconnectedAt!) : null,
    disconnectReason: s?.disconnectReason ?? last?.leg.disconnectReason ?? null,
    callerExtension,
    rangExtensions: rang,
    ...(answered.length > 0
      ? {
          answeredAt: at(answered[0]!.start),
          answeredExtension: finisher!.employee,
          talkSeconds: unionSeconds(answered.map((l) => [l.start, l.end])),
          talkedExtensions: unique(answered.map((l) => l.employee)),
        }
      : summaryAnswered
        ? {
            answeredAt: at(s.answeredAt!),
            answeredExtension: summaryEmployee,
            talkSeconds: s.talkSeconds,
            talkedExtensions: unique([summaryEmployee]),
          }
        : { answeredAt: null, answeredExtension: null, talkSeconds: 0, talkedExtensions: [] }),
  };
}
