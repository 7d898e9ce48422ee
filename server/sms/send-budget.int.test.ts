import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { mangoLimitsFor } from "@/server/mango/limits";
import { mangoRateLimiter } from "@/server/ratebudget/mango";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { sendRuleSms } from "./send";

/**
 * Issue 16, R1 (a SIGKILLed app): `command_at` says "MANGO may have this SMS; never ask again". Stamped
 * before the wait for MANGO's rate budget (seconds under a bulk apply), a process killed during that wait
 * left an SMS that was never sent and never would be. It is stamped once the request has its slot.
 */
let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(() => w.close());

const smsCommands = async () => {
  const res = await fetch(`${w.mango.url}/__control/requests`);
  const { requests } = (await res.json()) as { requests: { path: string }[] };
  return requests.filter((r) => r.path.endsWith("commands/sms"));
};

describe("sms.send and MANGO's rate budget", () => {
  it("does not stamp the SMS as asked while it waits for the budget; sends it once after", async () => {
    const [sms] = await w.t.db
      .insert(smsMessages)
      .values({
        tenantId: w.tenant.id,
        leadId: 167353,
        contactId: 3,
        recipientRole: "client",
        phone: "+79161234567",
        text: "Ожидание бюджета",
        fromExtension: "101",
        idempotencyKey: "budget-wait",
        commandId: "budget-wait",
      })
      .returning();
    // Other instances took the next ~3 s of the tenant's MANGO budget.
    const others = mangoRateLimiter(w.t.db, w.tenant.id, { sleep: async () => {} });
    for (let i = 0; i < 25; i++) await others.take(mangoLimitsFor("commands/sms", "vpbx"));

    const sending = sendRuleSms(w.t.db, createLocalQueue(w.t.db), { tenantId: w.tenant.id, smsId: sms!.id });
    await new Promise((r) => setTimeout(r, 1000));
    // Waiting: a kill now must leave the row free for the retry (MANGO has not been asked).
    const [waiting] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, sms!.id));
    expect(await smsCommands()).toHaveLength(0);
    expect(waiting!.commandAt).toBeNull();

    expect(await sending).toMatchObject({ status: "done" });
    const [sent] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, sms!.id));
    expect(sent!.commandAt).not.toBeNull();
    expect(sent!.sentAt).not.toBeNull();
    expect(await smsCommands()).toHaveLength(1);
  });
});
