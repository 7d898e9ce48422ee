import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityLog, employeeLinks, mangoEmployees } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { contactsWithPhone, type LogWorld, startLogWorld } from "@/test/calls-world";

/**
 * Issue 15, "deterministic refusals are not retried": the extension's paired amoCRM user was deleted in
 * amoCRM, so amoCRM refuses every write naming them as responsible (400 NotSupportedChoice on
 * responsible_user_id). The same request would be refused on every retry: the calls.log run fails at its
 * first attempt, and the journal says what amoCRM refused, in Russian, with amoCRM's own words.
 */
let w: LogWorld;

/** Never one of the emulator's seeded users (emulators/amocrm/seed-ids.ts). */
const GONE_USER = 9_990_001;

beforeAll(async () => {
  w = await startLogWorld();
  // Extension 103 was paired with a user who no longer exists in amoCRM.
  const [e] = await w.t.db
    .select()
    .from(mangoEmployees)
    .where(and(eq(mangoEmployees.tenantId, w.tenant.id), eq(mangoEmployees.extension, "103")));
  await w.t.db
    .insert(employeeLinks)
    .values({ tenantId: w.tenant.id, mangoEmployeeId: e!.id, amoUserId: GONE_USER, source: "manual" });
});
afterAll(async () => {
  await w?.close();
});

describe("a call whose responsible no longer exists in amoCRM", () => {
  it("fails at once: one attempt, run failed, the journal names responsible_user_id and amoCRM's message", async () => {
    await w.settings({ calls: { newClientAction: "contact" } });
    const phone = "+79991231501";
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["103"],
      answeredBy: "103",
      talkSeconds: 20,
    });

    const runs = await w.logRun(entryId);
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run).toMatchObject({ status: "failed", attempts: 1 });
    expect(run!.lastError).toContain("responsible_user_id");
    expect(run!.lastError).toContain("The value you selected is not a valid choice.");

    const journal = await w.t.db
      .select()
      .from(activityLog)
      .where(
        and(
          eq(activityLog.tenantId, w.tenant.id),
          eq(activityLog.kind, writeCallJob.id),
          eq(activityLog.sourceId, run!.id),
        ),
      );
    // queued → running → failed: no "retrying" in between.
    expect(journal.map((e) => e.status)).not.toContain("retrying");
    const failed = journal.filter((e) => e.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBe(
      'amoCRM отклонил запрос (400, NotSupportedChoice): поле responsible_user_id — "The value you selected is not a valid choice."',
    );
    // amoCRM stored nothing for the refused write.
    expect(contactsWithPhone(await w.amoState(), phone)).toHaveLength(0);
  });
});
