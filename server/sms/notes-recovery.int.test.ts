import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns, smsMessages, tenants } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { processMangoEvent } from "@/server/events/mango-jobs";
import { logger } from "@/server/log/logger";
import { createTenant } from "@/server/tenancy/queries";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";
import { sweepSmsNotesJob, writeSmsNotesJob } from "./notes-jobs";
import { sendRuleSms } from "./send";

/**
 * SMS notes that used to be lost or to pile up: an SMS whose send outcome was unknown is noted once MANGO's
 * `result/sms` says it went out, and the sweeper leaves paused tenants and tenants with a queued run alone.
 */
let w: LogWorld;
beforeAll(async () => {
  w = await startLogWorld();
});
afterAll(() => w.close());

const TEXT = "SMS с неизвестным исходом";

/** MANGO's report as the intake hands it to `mango.event`. */
async function report(kind: "result/sms" | "events/sms", commandId: string) {
  const event =
    kind === "result/sms" ? { command_id: commandId, result: 1000 } : { command_id: commandId, reason: 1000 };
  await createLocalQueue(w.t.db).enqueue(
    processMangoEvent,
    { inboxId: randomUUID(), kind, event, receivedAt: new Date().toISOString() },
    { tenantId: w.tenant.id, idempotencyKey: `test:${randomUUID()}` },
  );
  await drainJobs(w.t.db, [processMangoEvent, writeSmsNotesJob]);
}

describe("an SMS whose send outcome was unknown", () => {
  it("gets its notes, once, when MANGO's result/sms 1000 arrives", async () => {
    // What `commands/sms` with an unknown outcome (or a crash after MANGO accepted it) leaves behind:
    // command_at stamped, no sent_at, still queued.
    const [sms] = await w.t.db
      .insert(smsMessages)
      .values({
        tenantId: w.tenant.id,
        leadId: 167353,
        contactId: 3,
        recipientRole: "client",
        phone: "+79161234567",
        text: TEXT,
        fromExtension: "101",
        idempotencyKey: "unknown-outcome",
        commandId: "unknown-outcome",
        commandAt: new Date(Date.now() - 30_000),
        reason: "Исход отправки неизвестен — ждём result/sms от MANGO",
      })
      .returning();
    const queue = createLocalQueue(w.t.db);
    // The send job asks MANGO no second time and marks nothing.
    expect(await sendRuleSms(w.t.db, queue, { tenantId: w.tenant.id, smsId: sms!.id })).toMatchObject({
      status: "skipped",
    });
    const [waiting] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, sms!.id));
    expect(waiting!.notesDueAt).toBeNull();

    await report("result/sms", "unknown-outcome");
    const [settled] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, sms!.id));
    expect(settled).toMatchObject({ status: "sent", reason: null });
    expect(settled!.notedAt).not.toBeNull();
    const notes = (await w.amoState()).notes.filter((n) => n.params.text === TEXT);
    expect(notes.map((n) => `${n.entity_type}:${n.entity_id}:${n.note_type}`).sort()).toEqual([
      "contacts:3:sms_out",
      "leads:167353:sms_out",
    ]);
    expect(settled!.contactNoteId).toBe(notes.find((n) => n.entity_type === "contacts")!.id);

    // The delivery report and a repeated result/sms write nothing more.
    await report("events/sms", "unknown-outcome");
    await report("result/sms", "unknown-outcome");
    const [delivered] = await w.t.db.select().from(smsMessages).where(eq(smsMessages.id, sms!.id));
    expect(delivered!.status).toBe("delivered");
    expect((await w.amoState()).notes.filter((n) => n.params.text === TEXT)).toHaveLength(2);
  });
});

describe("the notes sweeper", () => {
  const overdue = (tenantId: string, key: string) => ({
    tenantId,
    leadId: 167353,
    contactId: 3,
    recipientRole: "client",
    phone: "+79161234567",
    text: `Просроченное ${key}`,
    fromExtension: "101",
    idempotencyKey: key,
    commandId: key,
    status: "sent" as const,
    sentAt: new Date(Date.now() - 600_000),
    notesDueAt: new Date(Date.now() - 600_000),
  });
  const queuedNotesRuns = async (tenantId: string) =>
    (
      await w.t.db
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(
          and(
            eq(jobRuns.tenantId, tenantId),
            eq(jobRuns.jobId, writeSmsNotesJob.id),
            eq(jobRuns.status, "queued"),
          ),
        )
    ).length;
  const sweep = () =>
    sweepSmsNotesJob.handler(
      {},
      {
        db: w.t.db,
        tenantId: null,
        runId: randomUUID(),
        attempt: 1,
        log: logger,
        queue: createLocalQueue(w.t.db),
      },
    );

  it("enqueues one run per active tenant with overdue notes, none for a paused one or one already queued", async () => {
    const tenant = (n: number, name: string) =>
      createTenant(w.t.db, {
        amocrmAccountId: 90_000 + n,
        amocrmSubdomain: `sweep${n}`,
        amocrmBaseUrl: `https://sweep${n}.amocrm.ru`,
        name,
      });
    const paused = await tenant(1, "На переподключении");
    const idle = await tenant(2, "Без очереди");
    await w.t.db.update(tenants).set({ status: "needs_reconnect" }).where(eq(tenants.id, paused.id));
    await w.t.db
      .insert(smsMessages)
      .values([overdue(w.tenant.id, "sweep-a"), overdue(paused.id, "sweep-b"), overdue(idle.id, "sweep-c")]);
    // The log world's tenant already has a run waiting (e.g. the window's, still due).
    await createLocalQueue(w.t.db).enqueue(
      writeSmsNotesJob,
      {},
      { tenantId: w.tenant.id, idempotencyKey: "already-queued", delaySeconds: 600 },
    );

    expect(await sweep()).toMatchObject({ status: "done", result: { tenants: 2, enqueued: 1 } });
    expect(await queuedNotesRuns(w.tenant.id)).toBe(1);
    expect(await queuedNotesRuns(paused.id)).toBe(0);
    expect(await queuedNotesRuns(idle.id)).toBe(1);

    // Sweeps while those runs wait add none: a tenant paused for a week does not pile up ~2,000 runs.
    for (let i = 0; i < 3; i++) await sweep();
    expect(await queuedNotesRuns(w.tenant.id)).toBe(1);
    expect(await queuedNotesRuns(paused.id)).toBe(0);
    expect(await queuedNotesRuns(idle.id)).toBe(1);
  });
});
