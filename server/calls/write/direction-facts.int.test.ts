import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calls } from "@/db/schema";
import { journalFacts } from "@/server/activity/journal-facts";
import { writeCallJob } from "@/server/calls/jobs";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";

/**
 * Issue 15 acceptance 3: a summary that contradicts its parties. Employee 101 dials an outside number (the
 * MANGO emulator's `outgoing`, its own summary withheld); the summary that then comes calls the call incoming.
 * The call is written to amoCRM by the facts (outbound, by 101) and the journal says what disagreed.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
  await w.settings({ calls: { outgoing: { createContact: true } } });
});
afterAll(async () => {
  await w?.close();
});

/** Posts a MANGO event to our intake, signed as MANGO would, and expects it accepted. */
async function postMango(kind: string, event: Record<string, unknown>) {
  expect(await w.postMangoEvent(kind, event)).toBe(200);
}

describe("a summary contradicting its parties", () => {
  it("is logged by the facts (outgoing, by 101) and the journal names the disagreement", async () => {
    const client = "79991250001";
    const entryId = await w.call({ type: "outgoing", from: "101", to: client, noSummary: true });
    const [before] = await w.t.db.select().from(calls).where(eq(calls.entryId, entryId));
    expect(before!.stage).toBe("in_progress");
    const sec = (d: Date | null) => Math.floor(d!.getTime() / 1000);
    const start = sec(before!.startedAt);
    await postMango("events/summary", {
      entry_id: entryId,
      call_direction: 1, // «входящий», while an extension called an outside number
      from: { extension: "101", number: "sip:smirnov@vpbx400000001.mangosip.ru" },
      to: { number: client },
      create_time: start,
      forward_time: start + 1,
      talk_time: start + 5,
      end_time: start + 40,
      entry_result: 1,
      disconnect_reason: 1110,
    });
    await drainJobs(w.t.db, [processMangoEvent, writeCallJob]);

    const [row] = await w.t.db.select().from(calls).where(eq(calls.entryId, entryId));
    const note =
      "MANGO назвал звонок входящим, но сотрудник 101 звонил на внешний номер — записан как исходящий";
    expect(row).toMatchObject({ stage: "finished", direction: "outgoing", directionNote: note });
    const entries = (await w.amoState()).calls.filter((c) => c.request.uniq === entryId);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.request).toMatchObject({
      direction: "outbound",
      phone: `+${client}`,
      call_responsible: PAIRS["101"],
    });
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done" });
    expect(run!.result).toMatchObject({ directionNote: note });
    const facts = await journalFacts(w.t.db, {
      tenantId: w.tenant.id,
      amocrmBaseUrl: w.tenant.amocrmBaseUrl,
      groups: [{ key: `call:${entryId}`, result: null }],
    });
    expect(JSON.stringify(facts.get(`call:${entryId}`))).toContain(note);
  });
});
