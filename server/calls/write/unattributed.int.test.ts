import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amocrmUsers, callLogs, calls, jobRuns } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { writeCallJob } from "@/server/calls/jobs";
import { addMembership, createTenant, upsertUser } from "@/server/tenancy/queries";
import { createCaller } from "@/server/trpc/router";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";

/**
 * Issue 15 acceptance 7, end to end: a call answered by an unpaired extension (103 in the log world) is
 * skipped and listed in «Неразобранные звонки»; pairing 103 through employees.link logs it to the new user,
 * once, and the list no longer shows it. Another tenant's such calls are never listed.
 */
let w: LogWorld;
let caller: ReturnType<typeof createCaller>;
let foreignCaller: ReturnType<typeof createCaller>;
let foreignCallId: string;
const NEW_USER = 2004184; // the emulator's «sales» user, paired with nobody in the world

beforeAll(async () => {
  w = await startLogWorld();
  const queue = createLocalQueue(w.t.db);
  const owner = await upsertUser(w.t.db, { amocrmUserId: 504141, name: "Владелец" });
  await addMembership(w.t.db, { tenantId: w.tenant.id, userId: owner.id, role: "owner" });
  await w.t.db.insert(amocrmUsers).values({ tenantId: w.tenant.id, amoUserId: NEW_USER, name: "Продажи" });
  caller = createCaller({
    db: w.t.db,
    queue,
    session: { userId: owner.id, tenantId: w.tenant.id },
    requestId: "t",
  });

  // Another tenant with an unattributed call of its own, on an extension of the same number.
  const foreign = await createTenant(w.t.db, {
    amocrmAccountId: 30441694,
    amocrmSubdomain: "other",
    amocrmBaseUrl: "https://other.amocrm.ru",
    name: "Чужая",
  });
  const stranger = await upsertUser(w.t.db, { amocrmUserId: 7300101, name: "Чужой" });
  await addMembership(w.t.db, { tenantId: foreign.id, userId: stranger.id, role: "member" });
  const [call] = await w.t.db
    .insert(calls)
    .values({
      tenantId: foreign.id,
      entryId: "foreign-entry",
      direction: "incoming",
      stage: "finished",
      clientPhone: "+7999***0103",
      answeredExtension: "103",
      rangExtensions: ["103"],
      startedAt: new Date(),
      talkSeconds: 5,
    })
    .returning();
  foreignCallId = call!.id;
  await w.t.db.insert(callLogs).values({
    tenantId: foreign.id,
    callId: foreignCallId,
    state: "skipped",
    skipKind: "unattributed",
    reason: "сотрудник 103 не сопоставлен с пользователем amoCRM, а «Сохранять все звонки» выключено",
  });
  foreignCaller = createCaller({
    db: w.t.db,
    queue,
    session: { userId: stranger.id, tenantId: foreign.id },
    requestId: "t",
  });
});
afterAll(async () => {
  await w?.close();
});

describe("«Неразобранные звонки»", () => {
  it("acceptance 7: a call of unpaired 103 is listed; pairing 103 re-logs it once to the new user and it leaves the list", async () => {
    await w.settings({ calls: { newClientAction: "contact" } });
    const phone = "+79991237001";
    const entryId = await w.call({
      type: "incoming",
      from: phone,
      ring: ["103"],
      answeredBy: "103",
      talkSeconds: 20,
    });
    expect(await w.callLog(entryId)).toMatchObject({ state: "skipped", skipKind: "unattributed" });
    const [row] = await w.t.db.select().from(calls).where(eq(calls.entryId, entryId));

    const before = await caller.calls.unattributed({});
    expect(before.items.map((c) => c.id)).toEqual([row!.id]);
    const [listed] = before.items;
    expect(listed).toMatchObject({ direction: "incoming", answered: true, clientPhone: "+7999***7001" });
    expect(listed!.extensions).toEqual([
      expect.objectContaining({
        extension: "103",
        employeeName: expect.any(String),
        isPresent: true,
        amoUserName: null,
      }),
    ]);
    expect(JSON.stringify(before)).not.toContain("79991237001");
    expect(before.items.map((c) => c.id)).not.toContain(foreignCallId);
    // Nothing in amoCRM yet.
    expect((await w.amoState()).calls.filter((c) => c.request.uniq === entryId)).toHaveLength(0);

    const e103 = { id: listed!.extensions[0]!.mangoEmployeeId! };
    await caller.employees.link({
      mangoEmployeeId: listed!.extensions[0]!.mangoEmployeeId!,
      amoUserId: NEW_USER,
    });
    // Until the re-log runs, the list says to whom it is going.
    const pending = await caller.calls.unattributed({});
    expect(pending.items[0]!.extensions[0]!.amoUserName).toBe("Продажи");
    await drainJobs(w.t.db, [writeCallJob]);

    const logged = (await w.amoState()).calls.filter((c) => c.request.uniq === entryId);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.request).toMatchObject({ call_responsible: NEW_USER });
    expect(await w.callLog(entryId)).toMatchObject({ state: "done", skipKind: null });
    expect((await caller.calls.unattributed({})).items).toEqual([]);

    // Unpairing and pairing again is a new intent, but the call is logged: nothing more goes to amoCRM.
    await caller.employees.unlink({ mangoEmployeeId: e103.id });
    await caller.employees.link({ mangoEmployeeId: e103.id, amoUserId: NEW_USER });
    await drainJobs(w.t.db, [writeCallJob]);
    expect((await w.amoState()).calls.filter((c) => c.request.uniq === entryId)).toHaveLength(1);
    const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, writeCallJob.id));
    expect(
      runs.filter((r) => (r.payload as { callId: string }).callId === row!.id).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("another tenant's unattributed calls are never listed, and its own list has only its own", async () => {
    const ours = await caller.calls.unattributed({ limit: 100 });
    expect(ours.items.map((c) => c.id)).not.toContain(foreignCallId);
    const theirs = await foreignCaller.calls.unattributed({ limit: 100 });
    expect(theirs.items.map((c) => c.id)).toEqual([foreignCallId]);
  });
});
