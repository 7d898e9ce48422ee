import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls, jobRuns } from "@/db/schema";
import { type LogWorld, startLogWorld } from "@/test/calls-world";

/**
 * Issue 15: real MANGO traffic the tidy emulator never sent — numeric fields as strings, optional keys
 * absent, ids that are not base64 (the emulator's `untidy: true`), and the call shapes with several legs
 * (hold, blind and consultative transfers, group hunting). Every event is accepted, every call is finished
 * and logged to amoCRM once, and no run fails.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
  await w.settings({ calls: { newClientAction: "contact" } });
});
afterAll(async () => {
  await w?.close();
});

const SHAPES: [string, Record<string, unknown>][] = [
  ["answered", {}],
  ["hold", { hold: { afterSeconds: 5, seconds: 10 } }],
  ["blind transfer", { transfer: { method: "blind", to: "102" } }],
  ["consultative transfer", { transfer: { method: "consultative", to: "102" } }],
];

describe("untidy events of every call shape", () => {
  it.each(SHAPES)("%s: accepted, finished, logged once, no run failed", async (_name, shape) => {
    const from = `799955500${String(SHAPES.findIndex(([, s]) => s === shape)).padStart(2, "0")}`;
    const entryId = await w.call({
      type: "incoming",
      from,
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 30,
      untidy: true,
      ...shape,
    });
    // Not base64: the emulator's untidy ids are plain digits.
    expect(entryId).toMatch(/^\d+$/);
    const [call] = await w.t.db
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, w.tenant.id), eq(calls.entryId, entryId)));
    expect(call).toMatchObject({ stage: "finished", direction: "incoming" });
    expect(call!.talkSeconds).toBeGreaterThan(0);
    const state = await w.amoState();
    const logged = state.calls.filter((c) => c.request.uniq === entryId);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.request).toMatchObject({ direction: "inbound", phone: `+${from}` });
    const failed = await w.t.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.tenantId, w.tenant.id), inArray(jobRuns.status, ["failed"])));
    expect(failed).toEqual([]);
  });
});

describe("a hidden caller", () => {
  it("has no client number (the leg ends at our own line, which is not the client) and is not written", async () => {
    const entryId = await w.call({ type: "incoming", from: "anonymous", ring: ["101"], answeredBy: "101" });
    const [call] = await w.t.db
      .select()
      .from(calls)
      .where(and(eq(calls.tenantId, w.tenant.id), eq(calls.entryId, entryId)));
    expect(call).toMatchObject({ stage: "finished", direction: "incoming", clientPhone: null });
    expect(await w.callLog(entryId)).toMatchObject({
      state: "skipped",
      reason: "номер клиента скрыт или не распознан",
    });
    expect((await w.amoState()).calls.filter((c) => c.request.uniq === entryId)).toEqual([]);
  });
});
