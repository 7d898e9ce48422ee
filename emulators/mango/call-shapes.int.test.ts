import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorAndReceiverPerFile } from "./test-lifecycle";
import { control, DEMO, type Receiver, repoRoot, sha256Sign } from "./test-support";

/**
 * Call shapes: each scenario below runs `instant` and its delivered events/call + events/summary (read back
 * from the emulator's delivery log) are checked leg by leg. The same events, with every phone number made a
 * fake 7999… one, are committed as test/fixtures/call-shapes/<shape>.json (`[{kind, json}]`) for tests that
 * replay real-looking MANGO traffic. `UPDATE_CALL_SHAPES=1` rewrites them; otherwise the committed files must
 * still have the simulator's structure (same kinds, legs and states in the same order).
 */

const FIXTURES = path.join(repoRoot, "test/fixtures/call-shapes");
const CLIENT = "79990000001";

const SHAPES: Record<string, Record<string, unknown>> = {
  "incoming-answered": { type: "incoming", from: CLIENT, ring: ["101"], answeredBy: "101", talkSeconds: 40 },
  "group-missed": { type: "incoming", from: CLIENT, group: "201" },
  "group-answered": { type: "incoming", from: CLIENT, group: "201", answeredBy: "102" },
  "blind-transfer": {
    type: "incoming",
    from: CLIENT,
    ring: ["101"],
    answeredBy: "101",
    transfer: { method: "blind", to: "102" },
  },
  "consultative-transfer": {
    type: "incoming",
    from: CLIENT,
    ring: ["101"],
    answeredBy: "101",
    transfer: { method: "consultative", to: "103" },
  },
  hold: { type: "incoming", from: CLIENT, ring: ["101"], answeredBy: "101", hold: { afterSeconds: 5 } },
  outgoing: { type: "outgoing", from: "101", to: "79990000002" },
  callback: { type: "callback", from: "102", to: "79990000003", outcome: "answered" },
  "untidy-blind-transfer": {
    type: "incoming",
    from: CLIENT,
    group: "201",
    answeredBy: "102",
    transfer: { method: "blind", to: "103" },
    untidy: true,
  },
};

type Json = Record<string, unknown>;
type Shape = Array<{ kind: "events/call" | "events/summary"; json: Json }>;

let url: string;
let rx: Receiver;
emulatorAndReceiverPerFile((e) => {
  ({ url, rx } = e);
});
beforeEach(async () => {
  await control(url, "deliveries", undefined, "DELETE");
});

async function runShape(name: string): Promise<Shape> {
  await control(url, "scenarios", { ...SHAPES[name], instant: true });
  const { deliveries } = (await control(url, "deliveries?wait=1")) as {
    deliveries: Array<{ path: string; json: string; delivered: boolean }>;
  };
  const signed = rx.events.filter((e) => e.path === "events/call" || e.path === "events/summary");
  for (const e of signed) expect(e.form.sign).toBe(sha256Sign(DEMO.key, e.form.json ?? "", DEMO.salt));
  return deliveries
    .filter((d) => d.path === "events/call" || d.path === "events/summary")
    .map((d) => ({ kind: d.path as Shape[number]["kind"], json: JSON.parse(d.json) as Json }));
}

/** Legs by first appearance: `[[state, …] per leg]`, plus who the summary names. */
function legs(shape: Shape): { states: string[][]; summaryTo: Json; legIds: string[] } {
  const ids: string[] = [];
  const states: string[][] = [];
  for (const { kind, json } of shape) {
    if (kind !== "events/call") continue;
    const id = String(json.call_id);
    if (!ids.includes(id)) ids.push(id);
    states[ids.indexOf(id)] = [...(states[ids.indexOf(id)] ?? []), String(json.call_state)];
  }
  const summary = shape.find((e) => e.kind === "events/summary")?.json;
  return { states, legIds: ids, summaryTo: (summary?.to ?? {}) as Json };
}

/** Kinds, leg positions and states in delivery order: what a committed fixture must keep. */
function structure(shape: Shape): string[] {
  const ids: string[] = [];
  return shape.map(({ kind, json }) => {
    if (kind === "events/summary") return `summary to=${String((json.to as Json).extension ?? "")}`;
    const id = String(json.call_id);
    if (!ids.includes(id)) ids.push(id);
    return `leg${ids.indexOf(id)} ${String(json.call_state)} seq=${typeof json.seq}`;
  });
}

/** Every real-looking phone number (7 + 10 digits) becomes a fake 7999… one, the same one each time. */
function fakeNumbers(shape: Shape): Shape {
  const map = new Map<string, string>();
  const fake = (v: unknown): unknown => {
    if (typeof v === "string" && /^7\d{10}$/.test(v) && !v.startsWith("7999")) {
      if (!map.has(v)) map.set(v, `7999${String(1000000 + map.size * 1111).padStart(7, "0")}`);
      return map.get(v);
    }
    if (Array.isArray(v)) return v.map(fake);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fake(x)]));
    return v;
  };
  return shape.map((e) => ({ kind: e.kind, json: fake(e.json) as Json }));
}

function checkFixture(name: string, shape: Shape): void {
  const file = path.join(FIXTURES, `${name}.json`);
  const faked = fakeNumbers(shape);
  if (process.env.UPDATE_CALL_SHAPES === "1") {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, `${JSON.stringify(faked, null, 2)}\n`);
  }
  expect(existsSync(file), `${file} missing: run with UPDATE_CALL_SHAPES=1`).toBe(true);
  const committed = JSON.parse(readFileSync(file, "utf8")) as Shape;
  expect(structure(committed)).toEqual(structure(faked));
  const numbers = JSON.stringify(committed).match(/"7\d{10}"/g) ?? [];
  expect(numbers.filter((n) => !n.startsWith('"7999'))).toEqual([]);
}

describe("call shapes", () => {
  it("incoming answered: IVR leg, one employee leg, summary to the employee", async () => {
    const shape = await runShape("incoming-answered");
    const { states, summaryTo } = legs(shape);
    expect(states).toEqual([
      ["Appeared", "Disconnected"],
      ["Appeared", "Connected", "Disconnected"],
    ]);
    expect(summaryTo.extension).toBe("101");
    checkFixture("incoming-answered", shape);
  });

  it("missed in a group: every operator's leg rings and ends 1110, summary to the first hop", async () => {
    const shape = await runShape("group-missed");
    const { states, summaryTo } = legs(shape);
    expect(states.length).toBeGreaterThanOrEqual(3);
    for (const s of states.slice(1)) expect(s).toEqual(["Appeared", "Disconnected"]);
    const calls = shape.filter((e) => e.kind === "events/call" && e.json.location === "abonent");
    expect(calls.every((e) => (e.json.to as Json).acd_group === "201")).toBe(true);
    expect(shape.at(-1)?.json).toMatchObject({ entry_result: 0, talk_time: 0, disconnect_reason: 1110 });
    expect(summaryTo.extension).toBeDefined();
    checkFixture("group-missed", shape);
  });

  it("group hunting: several legs ring at once, one answers, the others end 1100", async () => {
    const shape = await runShape("group-answered");
    const { states, legIds, summaryTo } = legs(shape);
    expect(legIds.length).toBeGreaterThanOrEqual(3);
    const ringing = shape.filter((e) => e.kind === "events/call" && e.json.call_state === "Appeared");
    expect(ringing.length).toBe(legIds.length);
    const answered = shape.find((e) => e.json.call_state === "Connected")?.json;
    expect((answered?.to as Json | undefined)?.extension).toBe("102");
    const lost = shape.filter(
      (e) =>
        e.json.call_state === "Disconnected" &&
        e.json.call_id !== answered?.call_id &&
        e.json.location === "abonent",
    );
    expect(lost.map((e) => e.json.disconnect_reason)).toEqual(lost.map(() => 1100));
    expect(states.filter((s) => s.includes("Connected"))).toHaveLength(1);
    expect(summaryTo.extension).toBe("102");
    checkFixture("group-answered", shape);
  });

  it("blind transfer: A's leg ends as transferred, B's new leg rings and connects, B finishes", async () => {
    const shape = await runShape("blind-transfer");
    const { states, legIds, summaryTo } = legs(shape);
    expect(states).toEqual([
      ["Appeared", "Disconnected"],
      ["Appeared", "Connected", "Disconnected"],
      ["Appeared", "Connected", "Disconnected"],
    ]);
    const aEnd = shape.find(
      (e) => e.json.call_id === legIds[1] && e.json.call_state === "Disconnected",
    )?.json;
    expect(aEnd).toMatchObject({
      disconnect_reason: 1100,
      transfer: "blind",
      from: { was_transferred: true },
    });
    const b = shape.filter((e) => e.json.call_id === legIds[2]).map((e) => e.json);
    expect(b.every((e) => e.transfer === "blind")).toBe(true);
    expect(b[0]).toMatchObject({
      from: { number: CLIENT, taken_from_call_id: legIds[1] },
      to: { extension: "102" },
    });
    expect(summaryTo.extension).toBe("102");
    expect(shape.at(-1)?.json).toMatchObject({ entry_result: 1 });
    checkFixture("blind-transfer", shape);
  });

  it("consultative transfer: client OnHold, A→B internal leg, A drops, B talks to the client", async () => {
    const shape = await runShape("consultative-transfer");
    const { states, legIds, summaryTo } = legs(shape);
    expect(states).toEqual([
      ["Appeared", "Disconnected"],
      ["Appeared", "Connected", "OnHold", "Disconnected"],
      ["Appeared", "Connected", "Connected", "Disconnected"],
    ]);
    const c = shape.filter((e) => e.json.call_id === legIds[2]).map((e) => e.json);
    expect(c[0]).toMatchObject({
      from: { extension: "101" },
      to: { extension: "103" },
      transfer: "consultative",
    });
    expect(c[2]).toMatchObject({ from: { number: CLIENT, taken_from_call_id: legIds[1] } });
    const held = shape.find((e) => e.json.call_state === "OnHold")?.json;
    expect(held).toMatchObject({ to: { extension: "101", hold_initiator: true } });
    expect(summaryTo.extension).toBe("103");
    checkFixture("consultative-transfer", shape);
  });

  it("hold: the same leg goes OnHold and Connected again", async () => {
    const shape = await runShape("hold");
    const { states, summaryTo } = legs(shape);
    expect(states[1]).toEqual(["Appeared", "Connected", "OnHold", "Connected", "Disconnected"]);
    const s = shape.at(-1)?.json as Json;
    expect(Number(s.end_time) - Number(s.talk_time)).toBe(45);
    expect(summaryTo.extension).toBe("101");
    checkFixture("hold", shape);
  });

  it("outgoing and callback keep their shapes", async () => {
    const out = await runShape("outgoing");
    expect(legs(out).states).toEqual([["Appeared", "Connected", "Disconnected"]]);
    checkFixture("outgoing", out);
    await control(url, "reset", {});
    await control(url, "webhook", { url: rx.url });
    await control(url, "deliveries", undefined, "DELETE");
    const cb = await runShape("callback");
    expect(legs(cb).states).toEqual([
      ["Appeared", "Connected", "Disconnected"],
      ["Appeared", "Connected", "Disconnected"],
    ]);
    checkFixture("callback", cb);
  });

  it("untidy: string numbers, non-base64 ids, no dct/line_number on employee legs — still signed", async () => {
    const shape = await runShape("untidy-blind-transfer");
    const calls = shape.filter((e) => e.kind === "events/call").map((e) => e.json);
    expect(calls.every((e) => typeof e.seq === "string" && typeof e.timestamp === "string")).toBe(true);
    expect(calls.every((e) => /^100:500:\d+$/.test(String(e.call_id)))).toBe(true);
    expect(calls.every((e) => /^\d+$/.test(String(e.entry_id)))).toBe(true);
    const ends = calls.filter((e) => e.call_state === "Disconnected");
    expect(ends.every((e) => typeof e.disconnect_reason === "string")).toBe(true);
    const abonent = calls.filter((e) => e.location === "abonent");
    expect(abonent.some((e) => "dct" in e || "line_number" in (e.to as Json))).toBe(false);
    expect(Object.keys(calls[0] as Json).slice(0, 2)).toEqual(["call_id", "entry_id"]);
    expect(legs(shape).summaryTo.extension).toBe("103");
    checkFixture("untidy-blind-transfer", shape);
  });

  it("the untidyEvents fault makes every new call untidy, commands included", async () => {
    await control(url, "faults", { untidyEvents: true });
    const shape = await runShape("outgoing");
    expect(shape.every((e) => e.kind === "events/summary" || typeof e.json.seq === "string")).toBe(true);
    await control(url, "faults", { untidyEvents: false });
  });
});
