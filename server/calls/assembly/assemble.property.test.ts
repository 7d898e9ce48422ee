import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { foldWire, SHAPES, type Wire } from "@/test/call-shapes";
import type { AssembledCall } from "./assemble";

/** A small seeded PRNG (mulberry32): the same runs every time, no dependency. */
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

function* permutations<T>(list: T[]): Generator<T[]> {
  if (list.length <= 1) {
    yield list;
    return;
  }
  for (let i = 0; i < list.length; i++) {
    const rest = [...list.slice(0, i), ...list.slice(i + 1)];
    for (const p of permutations(rest)) yield [list[i]!, ...p];
  }
}

const shuffle = <T>(list: T[], rand: () => number) => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/** Arrival orders: all of them for up to 7 events, else 200 random ones. */
function orders(events: Wire[], rand: () => number): Wire[][] {
  if (events.length <= 7) return [...permutations(events)];
  return Array.from({ length: 200 }, () => shuffle(events, rand));
}

/** Some events delivered again (MANGO retries, our queue re-runs), anywhere in the order. */
const withDuplicates = (events: Wire[], rand: () => number) =>
  shuffle([...events, ...events.filter(() => rand() < 0.4)], rand);

/** The record without the arrival log: the rest must be a function of the set of events. */
const derived = (c: AssembledCall) => ({ ...c, appliedEvents: [...c.appliedEvents].sort() });

describe("call assembly is a function of the set of events", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: every arrival order and duplication gives the same call`, () => {
      const rand = prng(name.length * 7919);
      const reference = derived(foldWire(shape.events));
      expect(reference).toMatchObject({ ...shape.expect, stage: "finished", directionNote: null });
      for (const order of orders(shape.events, rand)) {
        const got = derived(foldWire(order));
        // The order is printed only when it fails: building it every time would dominate the run.
        if (!isDeepStrictEqual(got, reference))
          expect(got, order.map((w) => JSON.stringify(w.json)).join("\n")).toEqual(reference);
      }
      for (let i = 0; i < 100; i++)
        expect(derived(foldWire(withDuplicates(shape.events, rand)))).toEqual(reference);
    }, 60_000);

    it(`${name}: without its summary, every order gives the same provisional call`, () => {
      const rand = prng(name.length * 104729);
      const legsOnly = shape.events.filter((w) => w.kind !== "events/summary");
      const reference = derived(foldWire(legsOnly));
      for (const order of orders(legsOnly, rand)) expect(derived(foldWire(order))).toEqual(reference);
      expect(JSON.stringify(reference.legs)).not.toContain("9991234567");
    }, 60_000);
  }
});
