import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, calls, jobRuns } from "@/db/schema";
import { createLocalWorker } from "@/inngest/local/worker";
import { writeCallJob } from "@/server/calls/jobs";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { ANSWERED_STAGE, type LogWorld, MISSED_STAGE, PAIRS, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";
import { FINISHED_BY_LEGS, finishCallWithoutSummary, SUMMARY_QUIET_PERIOD_S } from "./finish-legs";

/**
 * Calls whose events/summary never comes (MANGO's emulator, scenario `noSummary`): finished from their legs
 * once every leg is disconnected and the quiet period passed, logged to amoCRM once; a summary that comes
 * later corrects the record and writes nothing twice; an event within the quiet period postpones the finish.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
  await w.settings({
    calls: { newClientAction: "contact_and_deal", answeredStage: ANSWERED_STAGE, missedStage: MISSED_STAGE },
  });
});
afterAll(async () => {
  await w?.close();
});

const JOBS = [processMangoEvent, finishCallWithoutSummary, writeCallJob];
const callRow = async (entryId: string) =>
  (await w.t.db.select().from(calls).where(eq(calls.entryId, entryId)))[0]!;
const checks = async (callId: string) =>
  (await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, finishCallWithoutSummary.id)))
    .filter((r) => (r.payload as { callId: string }).callId === callId)
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
const loggedEntries = async (entryId: string) => {
  const s = await w.amoState();
  return {
    calls: s.calls.filter((c) => c.request.uniq === entryId),
    notes: s.notes.filter((n) => n.params?.uniq === entryId),
  };
};

/** Posts a MANGO event to our intake, signed as MANGO would, and expects it accepted. */
async function postMango(kind: string, event: Record<string, unknown>) {
  expect(await w.postMangoEvent(kind, event)).toBe(200);
}

describe("a call whose summary never comes", () => {
  let entryId: string;

  it("is finished from its legs after the quiet period and logged once in amoCRM; the journal says how", async () => {
    entryId = await w.call({
      type: "incoming",
      from: "+79991240001",
      ring: ["101", "102"],
      answeredBy: "101",
      talkSeconds: 35,
      noSummary: true,
    });
    // Every leg ended, no summary: the call waits, nothing is in amoCRM yet.
    const waiting = await callRow(entryId);
    expect(waiting.stage).toBe("in_progress");
    expect((await loggedEntries(entryId)).calls).toHaveLength(0);
    const armed = (await checks(waiting.id)).at(-1);
    expect(armed?.status).toBe("queued");
    expect(armed!.runAt.getTime() - Date.now()).toBeGreaterThan((SUMMARY_QUIET_PERIOD_S - 30) * 1000);

    await drainJobs(w.t.db, JOBS);

    const row = await callRow(entryId);
    expect(row).toMatchObject({
      stage: "finished",
      finishedBy: "legs",
      direction: "incoming",
      answeredExtension: "101",
      talkSeconds: 35,
      clientPhone: "+7999***0001",
    });
    expect(row.endedAt!.getTime() - row.answeredAt!.getTime()).toBe(35_000);
    expect(JSON.stringify(row)).not.toContain("9991240001"); // the number only sealed, legs included
    expect(row.startedAt!.getTime()).toBeLessThan(row.answeredAt!.getTime());

    const logged = await loggedEntries(entryId);
    expect(logged.calls).toHaveLength(1);
    expect(logged.calls[0]!.request).toMatchObject({
      direction: "inbound",
      phone: "+79991240001",
      duration: 35,
      call_responsible: PAIRS["101"],
    });
    expect(await w.logRun(entryId)).toHaveLength(1);

    const [finish] = (await checks(row.id)).filter(
      (r) => r.status === "done" && (r.result as { finishedBy?: string } | null)?.finishedBy === "legs",
    );
    expect(finish?.result).toMatchObject({ outcome: FINISHED_BY_LEGS, finishedBy: "legs", talkSeconds: 35 });
    const journal = await w.t.db
      .select()
      .from(activityLog)
      .where(
        and(eq(activityLog.subjectKey, `call:${entryId}`), eq(activityLog.kind, finishCallWithoutSummary.id)),
      );
    expect(journal.map((e) => e.status)).toContain("done");
  });

  it("a summary that comes after that corrects the record; amoCRM still has exactly one entry of the call", async () => {
    const before = await callRow(entryId);
    const notesBefore = (await loggedEntries(entryId)).notes.length;
    const sec = (d: Date | null) => Math.floor(d!.getTime() / 1000);
    // MANGO's own figures differ a little (its call ends 5 s later): the summary corrects the end; talk stays
    // what the legs show (the union of the client's connected intervals, facts.ts).
    await postMango("events/summary", {
      entry_id: entryId,
      call_direction: 1,
      from: { number: "79991240001" },
      to: { extension: "101", number: "74950000101" },
      line_number: before.lineNumber ?? undefined,
      create_time: sec(before.startedAt),
      forward_time: sec(before.startedAt) + 5,
      talk_time: sec(before.answeredAt),
      end_time: sec(before.endedAt) + 5,
      entry_result: 1,
      disconnect_reason: 1110,
    });
    await drainJobs(w.t.db, JOBS);

    const row = await callRow(entryId);
    expect(row).toMatchObject({
      stage: "finished",
      finishedBy: "legs",
      talkSeconds: 35,
      answeredExtension: "101",
      endedAt: new Date(before.endedAt!.getTime() + 5000),
    });
    expect(row.appliedEvents).toContain(`summary:${entryId}`);
    const logged = await loggedEntries(entryId);
    expect(logged.calls).toHaveLength(1);
    expect(logged.notes).toHaveLength(notesBefore);
    expect(await w.logRun(entryId)).toHaveLength(1);
    const [summaryRun] = (await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, processMangoEvent.id)))
      .filter((r) => (r.payload as { kind: string }).kind === "events/summary")
      .filter((r) => (r.result as { callId?: string } | null)?.callId === row.id);
    expect(summaryRun?.result).toMatchObject({ reconciled: expect.stringContaining("уточнена") });
  });
});

describe("an event within the quiet period", () => {
  it("postpones the finish: the older check sees the call moved on, the newer one finishes it", async () => {
    const t0 = Date.now();
    const entryId = await w.call({
      type: "incoming",
      from: "+79991240002",
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 20,
      noSummary: true,
    });
    const call = await callRow(entryId);
    // One check per moment every leg was down: the IVR leg's end (before the employee's leg rang) and the
    // employee's; the latest is the one that matters.
    const before = await checks(call.id);
    const first = before.at(-1);
    expect(first?.status).toBe("queued");

    // 100 s after the last leg ended MANGO rings 102 for the same call (a transfer nobody took).
    let clock = t0 + 100_000;
    const worker = createLocalWorker({ db: w.t.db, definitions: JOBS, now: () => new Date(clock) });
    const ts = Math.floor(call.endedAt!.getTime() / 1000) + 100;
    const leg = {
      entry_id: entryId,
      call_id: "transfer-leg-1",
      location: "abonent",
      from: { number: "79991240002" },
      to: { extension: "102", number: "74950000102" },
    };
    await postMango("events/call", { ...leg, timestamp: ts, seq: 1, call_state: "Appeared" });
    await postMango("events/call", {
      ...leg,
      timestamp: ts + 10,
      seq: 2,
      call_state: "Disconnected",
      disconnect_reason: 1111,
    });
    while ((await worker.tick()) > 0) {}
    const armed = await checks(call.id);
    expect(armed).toHaveLength(before.length + 1);
    const newer = armed.at(-1)!;
    expect(newer.runAt.getTime()).toBeGreaterThan(first!.runAt.getTime());

    // The first check's time: the call is not finished, nothing is in amoCRM.
    clock = first!.runAt.getTime() + 1000;
    while ((await worker.tick()) > 0) {}
    const [older] = (await checks(call.id)).filter((r) => r.id === first!.id);
    expect(older).toMatchObject({ status: "done" });
    expect((older!.result as { nothingToDo: string }).nothingToDo).toMatch(/новые события/);
    expect((await callRow(entryId)).stage).toBe("in_progress");
    expect((await loggedEntries(entryId)).calls).toHaveLength(0);

    // The newer check's time: finished from the legs, the transfer leg included (it rang 102).
    clock = newer.runAt.getTime() + 1000;
    while ((await worker.tick()) > 0) {}
    await drainJobs(w.t.db, JOBS);
    const row = await callRow(entryId);
    expect(row).toMatchObject({
      stage: "finished",
      finishedBy: "legs",
      answeredExtension: "101",
      talkSeconds: 20,
    });
    expect(row.endedAt!.getTime()).toBe((ts + 10) * 1000);
    expect(row.rangExtensions).toEqual(["101", "102"]);
    expect((await loggedEntries(entryId)).calls).toHaveLength(1);
  });
});
