import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANSWERED_STAGE, contactsWithPhone, type LogWorld, PAIRS, startLogWorld } from "@/test/calls-world";

/**
 * calls.log is idempotent per step (call_logs): a retry after amoCRM accepted the contact and the deal
 * does not create them again. And an unanswered outgoing call is owned by the employee who dialled.
 */
let w: LogWorld;

beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(async () => {
  await w?.close();
});

/** The amoCRM client retries a 5xx four times itself; the fifth 503 reaches the job, which retries the run. */
const FAILURES_TO_FAIL_A_RUN = 5;

describe("calls.log side effects happen once", () => {
  it("the call request fails after the contact and deal were created: the retried run logs the call and creates nothing twice", async () => {
    // «Всегда создавать сделку»: a retry that forgot what it created would find the contact and add a deal.
    await w.settings({
      calls: {
        newClientAction: "contact_and_deal",
        repeatClientAction: "always_deal",
        answeredStage: ANSWERED_STAGE,
      },
    });
    await w.amoFaults({
      kind: "status",
      status: 503,
      count: FAILURES_TO_FAIL_A_RUN,
      path_prefix: "/a/demo/api/v4/calls",
    });
    const phone = "+79991230301";
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["101"],
      answeredBy: "101",
      talkSeconds: 20,
    });

    const s = await w.amoState();
    const contacts = contactsWithPhone(s, phone);
    expect(contacts).toHaveLength(1);
    const leads = s.leads.filter((l) => l.contacts.some((c) => c.id === contacts[0]!.id));
    expect(leads).toHaveLength(1);
    const logged = s.calls.filter((c) => c.request.uniq === entryId);
    expect(logged).toHaveLength(1);
    // amoCRM's own call note of that one call; no fallback note was written on top.
    expect(s.notes.filter((n) => n.params.uniq === entryId)).toHaveLength(1);

    const [run] = await w.logRun(entryId);
    expect(run).toMatchObject({ status: "done", attempts: 2 });
    // The result is that of the second attempt, which read the created contact and deal from call_logs.
    expect(run!.result).toMatchObject({
      contactId: contacts[0]!.id,
      leadId: leads[0]!.id,
      createdContact: true,
      createdLead: true,
    });
    expect(await w.callLog(entryId)).toMatchObject({
      state: "done",
      contactId: contacts[0]!.id,
      leadId: leads[0]!.id,
      createdContact: true,
      createdLead: true,
      loggedVia: "calls_api",
      amoCallId: logged[0]!.id,
      taskId: null,
    });
  });
});

describe("the caller of an outgoing call", () => {
  /** Seeded: Дмитрий Васильев, no open deal. */
  const VASILIEV = { id: 11070887, phone: "+78122223344" };

  it("an unanswered outgoing call of a paired employee is logged on that employee", async () => {
    await w.settings({ calls: { repeatClientAction: "manual" } });
    const entryId = await w.call({
      type: "outgoing",
      from: "102",
      to: "78122223344",
      outcome: "client_no_answer",
    });
    const s = await w.amoState();
    const logged = s.calls.filter((c) => c.request.uniq === entryId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ entity_type: "contact", entity_id: VASILIEV.id });
    expect(logged[0]!.request).toMatchObject({
      direction: "outbound",
      phone: VASILIEV.phone,
      duration: 0,
      call_responsible: PAIRS["102"],
    });
    const [run] = await w.logRun(entryId);
    expect(run!.result).toMatchObject({ responsibleUserId: PAIRS["102"], responsibleVia: "mapping" });
  });
});
