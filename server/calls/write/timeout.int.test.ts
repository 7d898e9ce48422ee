import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phoneField } from "@/server/amocrm/requests";
import { contactsWithPhone, type LogWorld, startLogWorld } from "@/test/calls-world";
import { missedTaskMarker } from "./entries";

/**
 * Issue 16, "a POST that timed out is not written twice": amoCRM stores the call and answers after our
 * client stopped waiting (the emulator's `late` fault), the run fails with a network error and is retried.
 * The retry looks for the call among the entity's call notes (they carry our entry id) and writes nothing.
 */
let w: LogWorld;

/** The client gives up after this; the emulator answers later than that, having stored the write. */
const CLIENT_TIMEOUT_MS = 300;
const LATE_ANSWER_MS = 1200;

beforeAll(async () => {
  // Read once per test file by amocrmClientFor (env() is cached), before anything asks for it.
  process.env.AMOCRM_TIMEOUT_MS = String(CLIENT_TIMEOUT_MS);
  w = await startLogWorld();
});
afterAll(async () => {
  await w?.close();
});

describe("a call write whose answer came too late", () => {
  it("through the calls API: stored, timed out, retried → one call entry and one call note", async () => {
    await w.settings({ calls: { newClientAction: "contact" } });
    await w.amoFaults({
      kind: "late",
      latency_ms: LATE_ANSWER_MS,
      count: 1,
      path_prefix: "/a/demo/api/v4/calls",
    });
    const phone = "+79991230401";
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 31,
    });

    const s = await w.amoState();
    const [contact] = contactsWithPhone(s, phone);
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(1);
    expect(s.notes.filter((n) => n.params.uniq === entryId)).toHaveLength(1);
    const [run] = await w.logRun(entryId);
    // The first attempt timed out; the second found the call instead of writing it again.
    expect(run).toMatchObject({ status: "done", attempts: 2 });
    expect(run!.result).toMatchObject({
      logged: { via: "found", entityType: "contacts", entityId: contact!.id },
    });
    expect(await w.callLog(entryId)).toMatchObject({ loggedVia: "found", state: "done" });
  });

  it("as a call note (duplicate contacts): stored, timed out, retried → exactly one note", async () => {
    await w.settings({ calls: { repeatClientAction: "manual" } });
    const phone = "+79991230402";
    await w.amocrm().createContacts([
      { name: "Дубль 1", custom_fields_values: [phoneField(phone)] },
      { name: "Дубль 2", custom_fields_values: [phoneField(phone)] },
    ]);
    await w.amoFaults({
      kind: "late",
      latency_ms: LATE_ANSWER_MS,
      count: 1,
      path_prefix: "/a/demo/api/v4/contacts/notes",
    });
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["102"],
      answeredBy: "102",
      talkSeconds: 12,
    });

    const s = await w.amoState();
    const notes = s.notes.filter((n) => n.params.uniq === entryId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ entity_type: "contacts", note_type: "call_in" });
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(0);
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done", attempts: 2 });
    expect(run!.result).toMatchObject({ logged: { via: "found", entityId: notes[0]!.entity_id } });
  });

  it("a first attempt that never reached amoCRM is written on the retry (the lookup finds nothing)", async () => {
    await w.settings({ calls: { newClientAction: "contact" } });
    const phone = "+79991230403";
    // Dropped unhandled: amoCRM stored nothing, and the client cannot know that either.
    await w.amoFaults({ kind: "drop", count: 1, path_prefix: "/a/demo/api/v4/calls" });
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 9,
    });
    const s = await w.amoState();
    expect(s.calls.filter((c) => c.request.uniq === entryId)).toHaveLength(1);
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done", attempts: 2 });
    expect(run!.result).toMatchObject({ logged: { via: "calls_api" } });
  });

  it("the missed-call task: stored, timed out, retried → one task, found by our marker in its text", async () => {
    await w.settings({
      calls: { newClientAction: "contact", missedTasks: { enabled: true, responsibleUserId: 2004184 } },
    });
    await w.amoFaults({
      kind: "late",
      latency_ms: LATE_ANSWER_MS,
      count: 1,
      path_prefix: "/a/demo/api/v4/tasks",
    });
    const phone = "+79991230404";
    const before = (await w.amoState()).tasks.length;
    const entryId = await w.call({ type: "incoming", from: phone, ring: ["101"] });

    const tasks = (await w.amoState()).tasks.slice(before);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ responsible_user_id: 2004184, task_type_id: 1 });
    expect(tasks[0]!.text).toContain(missedTaskMarker(entryId));
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done", attempts: 2 });
    expect(run!.result).toMatchObject({ taskId: tasks[0]!.id });
    expect(await w.callLog(entryId)).toMatchObject({ taskId: tasks[0]!.id, state: "done" });
  });

  it("a task write that never reached amoCRM is created on the retry (the lookup finds nothing)", async () => {
    await w.settings({
      calls: { newClientAction: "contact", missedTasks: { enabled: true, responsibleUserId: 2004184 } },
    });
    await w.amoFaults({ kind: "drop", count: 1, path_prefix: "/a/demo/api/v4/tasks" });
    const phone = "+79991230405";
    const before = (await w.amoState()).tasks.length;
    const entryId = await w.call({ type: "incoming", from: phone, ring: ["101"] });
    const tasks = (await w.amoState()).tasks.slice(before);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.text).toContain(missedTaskMarker(entryId));
    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done", attempts: 2 });
  });
});
