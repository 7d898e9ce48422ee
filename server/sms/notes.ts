import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobRuns, type SmsMessageRow, smsMessages } from "@/db/schema";
import { AmocrmApiError, type NoteCreate, type NoteEntity, smsNote } from "@/server/amocrm";
import { MAX_NOTES_PER_REQUEST } from "@/server/amocrm/bulk";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { JobOutcome } from "@/server/jobs/define";
import { logger } from "@/server/log/logger";
import { getTenant } from "@/server/tenancy/queries";

/**
 * SMS notes in amoCRM, in batches. `sms.send` only marks a sent row (`notes_due_at`); the per-tenant notes job
 * claims up to 250 marked rows and writes them as one contacts-notes request and one leads-notes request —
 * 1,000 SMS cost 8 requests instead of 2,000 at the account's 7 per second. Each note is still written once:
 * the created ids are recorded right after each request, and a row with its id is never noted again.
 */

/** How long a claim on rows holds; a run that died leaves them to the next run after this. */
const CLAIM_MS = 2 * 60_000;
/** Batches per run; a bigger backlog continues in the next run (the sweeper or the next window). */
const MAX_BATCHES_PER_RUN = 20;

const pending = (tenantId: string) =>
  and(
    eq(smsMessages.tenantId, tenantId),
    isNotNull(smsMessages.notesDueAt),
    isNull(smsMessages.notedAt),
    or(isNull(smsMessages.notesLockedUntil), lt(smsMessages.notesLockedUntil, sql`now()`)),
  );

/** Marks a sent SMS as waiting for its notes (the notes job is enqueued by the caller). */
export async function markNotesDue(db: Db, row: Pick<SmsMessageRow, "tenantId" | "id">) {
  await db
    .update(smsMessages)
    .set({ notesDueAt: new Date() })
    .where(
      and(eq(smsMessages.tenantId, row.tenantId), eq(smsMessages.id, row.id), isNull(smsMessages.notedAt)),
    );
}

/** Whether the tenant has a notes run that has not started yet (it will see every row marked before it starts). */
export async function notesRunQueued(db: Db, { tenantId, jobId }: { tenantId: string; jobId: string }) {
  const [run] = await db
    .select({ id: jobRuns.id })
    .from(jobRuns)
    .where(and(eq(jobRuns.tenantId, tenantId), eq(jobRuns.jobId, jobId), eq(jobRuns.status, "queued")))
    .limit(1);
  return Boolean(run);
}

/** Claims up to 250 due rows of the tenant; rows another run holds are skipped, not waited for. */
async function claimDue(db: Db, tenantId: string): Promise<SmsMessageRow[]> {
  const due = db
    .select({ id: smsMessages.id })
    .from(smsMessages)
    .where(pending(tenantId))
    .orderBy(asc(smsMessages.notesDueAt))
    .limit(MAX_NOTES_PER_REQUEST)
    .for("update", { skipLocked: true });
  return db
    .update(smsMessages)
    .set({ notesLockedUntil: new Date(Date.now() + CLAIM_MS) })
    .where(and(eq(smsMessages.tenantId, tenantId), inArray(smsMessages.id, due)))
    .returning();
}

/** Writes the column of each row's created note in one statement. */
async function recordNoteIds(
  db: Db,
  tenantId: string,
  column: "contact_note_id" | "lead_note_id",
  pairs: { id: string; noteId: number }[],
) {
  if (pairs.length === 0) return;
  const values = sql.join(
    pairs.map((p) => sql`(${p.id}::uuid, ${p.noteId}::bigint)`),
    sql`, `,
  );
  await db.execute(sql`
    update sms_messages as s set ${sql.raw(column)} = v.note_id
    from (values ${values}) as v(id, note_id)
    where s.tenant_id = ${tenantId} and s.id = v.id`);
}

/**
 * One notes request for these rows; each note's `request_id` is its row id. Rows amoCRM refuses by name in
 * its validation errors (a deleted contact or deal) are dropped and the rest sent again once: one bad
 * entity must not keep 249 notes from being written.
 */
async function writeNotes(
  amo: ReturnType<typeof amocrmClientFor>,
  entity: NoteEntity,
  rows: { row: SmsMessageRow; entityId: number }[],
): Promise<{ id: string; noteId: number }[]> {
  let batch = rows;
  for (let attempt = 0; attempt < 2 && batch.length > 0; attempt++) {
    const notes: NoteCreate[] = batch.map(({ row, entityId }) => ({
      ...smsNote(entityId, { direction: "outbound", phone: row.phone, text: row.text }),
      request_id: row.id,
    }));
    try {
      const created = await amo.addNotesBatch(entity, notes);
      return created.flatMap((n, i) => {
        const id = batch.find((b) => b.row.id === n.requestId)?.row.id ?? batch[i]?.row.id;
        return id ? [{ id, noteId: n.id }] : [];
      });
    } catch (err) {
      if (!(err instanceof AmocrmApiError) || err.kind !== "validation" || attempt > 0) throw err;
      const refused = new Set(
        err.validationErrors.map((v) => {
          const byId = batch.find((b) => b.row.id === v.requestId);
          return byId ? byId.row.id : batch[Number(v.requestId)]?.row.id;
        }),
      );
      if (refused.size === 0) throw err;
      logger.warn({ entity, refused: refused.size }, "amoCRM refused some SMS notes; writing the rest");
      batch = batch.filter((b) => !refused.has(b.row.id));
    }
  }
  return [];
}

/** One batch: the claimed rows' contact notes, then their deal notes, then the rows marked noted. */
async function writeBatch(
  db: Db,
  amo: ReturnType<typeof amocrmClientFor>,
  tenantId: string,
  rows: SmsMessageRow[],
) {
  // MANGO may have refused the SMS since it was marked (result/sms ≠ 1000): nothing to note then.
  const live = rows.filter((r) => r.status !== "failed" && r.status !== "skipped");
  const contacts = live.flatMap((row) =>
    row.contactId && !row.contactNoteId ? [{ row, entityId: row.contactId }] : [],
  );
  if (contacts.length > 0)
    await recordNoteIds(db, tenantId, "contact_note_id", await writeNotes(amo, "contacts", contacts));
  const leads = live.flatMap((row) => (row.leadId && !row.leadNoteId ? [{ row, entityId: row.leadId }] : []));
  if (leads.length > 0)
    await recordNoteIds(db, tenantId, "lead_note_id", await writeNotes(amo, "leads", leads));
  await db
    .update(smsMessages)
    .set({ notedAt: new Date(), notesLockedUntil: null })
    .where(
      and(
        eq(smsMessages.tenantId, tenantId),
        inArray(
          smsMessages.id,
          live.map((r) => r.id),
        ),
      ),
    );
  const dropped = rows.filter((r) => !live.includes(r)).map((r) => r.id);
  if (dropped.length > 0)
    await db
      .update(smsMessages)
      .set({ notesDueAt: null, notesLockedUntil: null })
      .where(and(eq(smsMessages.tenantId, tenantId), inArray(smsMessages.id, dropped)));
  return live.length;
}

/** The tenant's SMS waiting for notes, 250 at a time, until none is left (or the run's batch budget). */
export async function writePendingSmsNotes(db: Db, { tenantId }: { tenantId: string }): Promise<JobOutcome> {
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { status: "skipped", reason: "аккаунт удалён" };
  const amo = amocrmClientFor(db, tenant);
  let noted = 0;
  let batches = 0;
  for (; batches < MAX_BATCHES_PER_RUN; batches++) {
    const rows = await claimDue(db, tenantId);
    if (rows.length === 0) break;
    noted += await writeBatch(db, amo, tenantId, rows);
  }
  if (batches === 0) return { status: "skipped", reason: "Нет SMS, ожидающих примечаний" };
  return { status: "done", result: { noted, batches } };
}

/** Tenants with SMS whose notes are overdue (their window's run failed or never came): for the sweeper. */
export async function tenantsWithOverdueNotes(db: Db, { olderThanMs }: { olderThanMs: number }) {
  const rows = await db
    .selectDistinct({ tenantId: smsMessages.tenantId })
    .from(smsMessages)
    .where(
      and(
        isNotNull(smsMessages.notesDueAt),
        isNull(smsMessages.notedAt),
        lt(smsMessages.notesDueAt, new Date(Date.now() - olderThanMs)),
        or(isNull(smsMessages.notesLockedUntil), lt(smsMessages.notesLockedUntil, sql`now()`)),
      ),
    );
  return rows.map((r) => r.tenantId);
}
