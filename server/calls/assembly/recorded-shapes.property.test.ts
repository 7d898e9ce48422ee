import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { foldWire, type Wire } from "@/test/call-shapes";
import type { AssembledCall } from "./assemble";

/**
 * Issue 15 acceptance 1 on the call shapes the MANGO emulator records (`test/fixtures/call-shapes/`, written by
 * `emulators/mango/call-shapes.int.test.ts`): for each, 200 seeded arrival orders and 100 duplications give
 * the same call, finished, attributed to the employee MANGO's summary names as the one who finished, and
 * with the direction the summary names (the fixtures' summaries agree with their parties).
 */
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures/call-shapes");

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shuffle = <T>(list: T[], rand: () => number) => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const derived = (c: AssembledCall) => ({ ...c, appliedEvents: [...c.appliedEvents].sort() });
const DIRECTIONS: Record<number, AssembledCall["direction"]> = {
  1: "incoming",
  2: "outgoing",
  3: "internal",
};

const shapes = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("recorded call shapes: the same call whatever the arrival order", () => {
  it("the emulator recorded every shape the issue names", () => {
    expect(shapes.map((f) => f.replace(/\.json$/, ""))).toEqual(
      expect.arrayContaining([
        "incoming-answered",
        "group-missed",
        "blind-transfer",
        "consultative-transfer",
        "hold",
        "outgoing",
        "callback",
      ]),
    );
  });

  for (const file of shapes) {
    it(`${file}: 200 orders and 100 duplications, one record, attributed as MANGO's summary says`, () => {
      const events = JSON.parse(readFileSync(path.join(DIR, file), "utf8")) as Wire[];
      const rand = prng(file.length * 7919);
      const reference = derived(foldWire(events));
      const summary = events.find((e) => e.kind === "events/summary")!.json as {
        call_direction: number | string;
        entry_result: number | string;
        to: { extension?: string };
      };
      expect(reference.stage).toBe("finished");
      expect(reference.direction).toBe(DIRECTIONS[Number(summary.call_direction)]);
      expect(reference.directionNote).toBeNull();
      if (reference.direction === "incoming" && Number(summary.entry_result) === 1)
        expect(reference.answeredExtension).toBe(summary.to.extension);
      // Transfers: everyone who talked with the client is named, the one who finished last.
      if (file.includes("transfer")) {
        expect(reference.talkedExtensions.length).toBeGreaterThanOrEqual(2);
        expect(reference.talkedExtensions.at(-1)).toBe(summary.to.extension);
      }
      for (let i = 0; i < 200; i++) {
        const got = derived(foldWire(shuffle(events, rand)));
        if (!isDeepStrictEqual(got, reference)) expect(got).toEqual(reference);
      }
      for (let i = 0; i < 100; i++) {
        const doubled = shuffle([...events, ...events.filter(() => rand() < 0.4)], rand);
        expect(derived(foldWire(doubled))).toEqual(reference);
      }
    }, 60_000);
  }
});
