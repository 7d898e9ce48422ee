import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobRuns, smsMessages } from "@/db/schema";
import { createLocalQueue } from "@/inngest/local/queue";
import { type LogWorld, startLogWorld } from "@/test/calls-world";
import { drainJobs } from "@/test/db";
import { writeSmsNotesJob } from "./notes-jobs";

/**
 * Issue 16, "a POST that timed out is not written twice", for SMS notes: amoCRM stores a batch's notes and
 * answers after our client stopped waiting (the emulator's `late` fault); the run fails with a network error
 * and is retried. The retry finds the rows stamped as attempted without their note ids, reads those entities'
 * sms_out notes, records the ones carrying the rows' ids and writes only what is really missing.
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

// Contacts 3 and 11070881 and leads 167353 / 9785993 are seeded in the emulator's demo account.
const PLACES = [
  { contactId: 3, leadId: 167353 },
  { contactId: 11070881, leadId: 9785993 },
  { contactId: 3, leadId: 167353 },
];

const row = (prefix: string, i: number) => ({
  tenantId: w.tenant.id,
  ...PLACES[i % PLACES.length]!,
  recipientRole: "client",
  phone: `+7916100000${i}`,
  text: `${prefix} ${i}`,
  fromExtension: "101",
  idempotencyKey: `${prefix}-${i}`,
  commandId: `${prefix}-${i}`,
  status: "sent" as const,
  sentAt: new Date(),
  notesDueAt: new Date(Date.now() - 1000 + i),
});

/** The emulator logs a request when it answers: wait out a late answer so the log holds it. */
const lateAnswersLogged = () => new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_MS + 200));

async function runNotes() {
  await createLocalQueue(w.t.db).enqueue(
    writeSmsNotesJob,
    {},
    { tenantId: w.tenant.id, idempotencyKey: `test:${Math.random()}` },
  );
  await drainJobs(w.t.db, [writeSmsNotesJob]);
  const runs = await w.t.db.select().from(jobRuns).where(eq(jobRuns.jobId, writeSmsNotesJob.id));
  return runs.at(-1);
}

describe("an SMS notes batch whose answer came too late", () => {
  for (const entity of ["contacts", "leads"] as const) {
    it(`${entity} POST stored, timed out, retried → exactly one note per SMS on the contact and on the deal`, async () => {
      const prefix = `Поздний ответ ${entity}`;
      await lateAnswersLogged();
      await fetch(`${w.amo.url}/__control/requests`, { method: "DELETE" });
      const inserted = await w.t.db
        .insert(smsMessages)
        .values([0, 1, 2].map((i) => row(prefix, i)))
        .returning();
      await w.amoFaults({
        kind: "late",
        latency_ms: LATE_ANSWER_MS,
        count: 1,
        path_prefix: `/a/demo/api/v4/${entity}/notes`,
      });

      const run = await runNotes();
      // The first attempt timed out; the retry found the stored notes instead of writing them again.
      expect(run).toMatchObject({ status: "done", attempts: 2 });

      await lateAnswersLogged();
      const res = await fetch(`${w.amo.url}/__control/requests?path=/a/demo/api/v4`);
      const requests = ((await res.json()) as { method: string; path: string }[])
        .filter((r) => r.path.includes("/notes"))
        .map((r) => `${r.method} ${r.path.replace(/^.*\/api\/v4\//, "")}`);
      // One POST per entity in all (the lost one included: none is repeated); the retry read only the
      // entities whose notes were unknown, and a first attempt reads nothing.
      expect(requests.sort()).toEqual(
        entity === "contacts"
          ? [
              "GET contacts/11070881/notes",
              "GET contacts/3/notes",
              "GET leads/167353/notes",
              "GET leads/9785993/notes",
              "POST contacts/notes",
              "POST leads/notes",
            ]
          : ["GET leads/167353/notes", "GET leads/9785993/notes", "POST contacts/notes", "POST leads/notes"],
      );
      const notes = (await w.amoState()).notes.filter((n) => String(n.params.text).startsWith(prefix));
      const rows = await w.t.db.select().from(smsMessages).where(eq(smsMessages.tenantId, w.tenant.id));
      for (const sms of inserted) {
        const mine = notes.filter((n) => n.params.text === sms.text);
        const contact = mine.filter((n) => n.entity_type === "contacts");
        const lead = mine.filter((n) => n.entity_type === "leads");
        expect(contact.map((n) => n.entity_id)).toEqual([sms.contactId]);
        expect(lead.map((n) => n.entity_id)).toEqual([sms.leadId]);
        const settled = rows.find((r) => r.id === sms.id)!;
        expect(settled.notedAt).not.toBeNull();
        expect(settled.notesAttemptedAt).not.toBeNull();
        expect(settled.contactNoteId).toBe(contact[0]!.id);
        expect(settled.leadNoteId).toBe(lead[0]!.id);
        for (const n of mine) expect(n.params.uniq).toBe(sms.id);
      }
    });
  }
});
