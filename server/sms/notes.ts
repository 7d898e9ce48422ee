import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobRuns, type SmsMessageRow, smsMessages, tenants } from "@/db/schema";
import { amocrmClientFor } from "@/server/connections/amocrm";
import type { JobOutcome } from "@/server/jobs/define";
import { logger } from "@/server/log/logger";
import { getTenant } from "@/server/tenancy/queries";
import { type NoteRefusal, writeNotes } from "./notes-write";

/**
 * SMS notes in amoCRM, in batches. `sms.send` (or MANGO's `result/sms` / `events/sms` settling an SMS whose
 * send outcome was unknown) only marks a sent row (`notes_due_at`); the per-tenant notes job claims up to
 * 50 marked rows and writes them as one contacts-notes request and one leads-notes request. Each note is
 * still written once: the created ids are recorded right after each request, and a row with its id is never
 * noted again. A row is settled (`noted_at`) once its notes are written or amoCRM refused them for good
 * (notes-write.ts; the refusals are in the run's result with their SMS ids).
 */

/**
 * Rows per batch, so per request. amoCRM takes 250, but a POST whose answer is lost after amoCRM processed
 * it (a timeout, a 5xx the transport does not repeat) leaves its rows unrecorded, and they are written again
 * when the claim lapses: amoCRM keeps no `request_id` to deduplicate on, and reading every entity's notes
 * back before a retry would cost more requests than it saves. 50 (the SDK's batch) bounds that duplication
 * to 50 notes per lost answer; 1,000 SMS still cost 40 requests instead of 2,000.
 */
export const NOTES_PER_BATCH = 50;
/**
 * How long a claim on rows holds; a run that died (its process killed) leaves them to its own next attempt
 * or the next run after this. One run per tenant at a time (the job's concurrency), so the claim only has to
 * outlast a dead run's job lease, not guard against a live one: as short as that lease.
 */
export const CLAIM_MS = 30_000;
/** Batches per run; a bigger backlog continues in the next run (the sweeper or the next window). */
const MAX_BATCHES_PER_RUN = 100;
/** Refusals listed by SMS id in a run's result (the count is always complete). */
const MAX_REFUSALS_LISTED = 50;

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

/**
 * Claims up to a batch of due rows; rows another run holds are skipped, not waited for. Rows never tried
 * come first, then those whose claim lapsed (a run failed on them), the longest-lapsed first: a batch that
 * keeps failing does not hold back the SMS marked after it.
 */
async function claimDue(db: Db, tenantId: string): Promise<SmsMessageRow[]> {
  // Two statements in one transaction, not `update … where id in (select … limit … for update skip
  // locked)`: PostgreSQL may rescan such a subquery while updating, and since the order is by the very
  // column being set, a rescan picks other rows and the claim outgrows its limit.
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: smsMessages.id })
      .from(smsMessages)
      .where(pending(tenantId))
      .orderBy(sql`${smsMessages.notesLockedUntil} asc nulls first`, asc(smsMessages.notesDueAt))
      .limit(NOTES_PER_BATCH)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(smsMessages)
      .set({ notesLockedUntil: new Date(Date.now() + CLAIM_MS) })
      .where(
        and(
          eq(smsMessages.tenantId, tenantId),
          inArray(
            smsMessages.id,
            due.map((d) => d.id),
          ),
        ),
      )
      .returning();
  });
}

/**
 * One batch: the claimed rows' contact notes, then their deal notes, then the rows settled. A row is settled
 * when each of its notes was written or refused by amoCRM for good; the refusals are returned for the run's
 * result. An error that is not a refusal leaves the rows claimed until the claim lapses (see claimDue).
 */
async function writeBatch(
  db: Db,
  amo: ReturnType<typeof amocrmClientFor>,
  tenantId: string,
  rows: SmsMessageRow[],
): Promise<{ settled: number; refused: NoteRefusal[] }> {
  // MANGO may have refused the SMS since it was marked (result/sms ≠ 1000): nothing to note then.
  const live = rows.filter((r) => r.status !== "failed" && r.status !== "skipped");
  const contacts = live.flatMap((row) =>
    row.contactId && !row.contactNoteId ? [{ row, entityId: row.contactId }] : [],
  );
  const refused = contacts.length > 0 ? await writeNotes(db, amo, tenantId, "contacts", contacts) : [];
  const leads = live.flatMap((row) => (row.leadId && !row.leadNoteId ? [{ row, entityId: row.leadId }] : []));
  if (leads.length > 0) refused.push(...(await writeNotes(db, amo, tenantId, "leads", leads)));
  if (live.length > 0)
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
  if (refused.length > 0)
    logger.warn(
      { tenantId, refused: refused.map((r) => ({ smsId: r.smsId, entity: r.entity })) },
      "amoCRM refused SMS notes for good; their SMS are settled without them",
    );
  return { settled: live.length, refused };
}

async function lapseClaim(db: Db, tenantId: string, rows: SmsMessageRow[]) {
  await db
    .update(smsMessages)
    .set({ notesLockedUntil: sql`now()` })
    .where(
      and(
        eq(smsMessages.tenantId, tenantId),
        isNull(smsMessages.notedAt),
        inArray(
          smsMessages.id,
          rows.map((r) => r.id),
        ),
      ),
    );
}

/** Rows an attempt that never finished still holds: waiting for them is no failure, only a later run. */
export class NotesClaimHeldError extends Error {
  constructor(
    readonly noted: number,
    readonly lapsesAt: Date,
  ) {
    super(
      `SMS notes are held by an attempt that did not finish; waiting for its claim to lapse (${noted} noted)`,
    );
  }
}

async function claimedRowsLeft(db: Db, tenantId: string): Promise<Date | null> {
  const [row] = await db
    .select({ until: smsMessages.notesLockedUntil })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.tenantId, tenantId),
        isNotNull(smsMessages.notesDueAt),
        isNull(smsMessages.notedAt),
        sql`${smsMessages.notesLockedUntil} >= now()`,
      ),
    )
    .orderBy(sql`${smsMessages.notesLockedUntil} desc`)
    .limit(1);
  return row?.until ?? null;
}

/** The tenant's SMS waiting for notes, a batch at a time, until none is left (or the run's batch budget). */
export async function writePendingSmsNotes(db: Db, { tenantId }: { tenantId: string }): Promise<JobOutcome> {
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { status: "skipped", reason: "аккаунт удалён" };
  const amo = amocrmClientFor(db, tenant);
  let noted = 0;
  let batches = 0;
  const refused: NoteRefusal[] = [];
  for (; batches < MAX_BATCHES_PER_RUN; batches++) {
    const rows = await claimDue(db, tenantId);
    if (rows.length === 0) break;
    const batch = await writeBatch(db, amo, tenantId, rows).catch(async (err: unknown) => {
      // The run fails and is retried in seconds: give the claim back now (lapsed, so these rows still go
      // after the SMS marked since) instead of leaving them to the sweeper minutes later. What amoCRM
      // certainly stored is recorded per note already and is not written again.
      await lapseClaim(db, tenantId, rows);
      throw err;
    });
    noted += batch.settled;
    refused.push(...batch.refused);
  }
  // Rows still claimed by an attempt that never finished (its process died; one run per tenant at a time, so
  // no live one holds them): retry until the claim lapses, rather than end and leave them to the sweeper.
  const held = batches < MAX_BATCHES_PER_RUN ? await claimedRowsLeft(db, tenantId) : null;
  if (held) throw new NotesClaimHeldError(noted, held);
  if (batches === 0) return { status: "skipped", reason: "Нет SMS, ожидающих примечаний" };
  if (refused.length === 0) return { status: "done", result: { noted, batches } };
  return {
    status: "done",
    result: { noted, batches, refusedCount: refused.length, refused: refused.slice(0, MAX_REFUSALS_LISTED) },
  };
}

/**
 * Active tenants with SMS whose notes are overdue (their window's run failed or never came): for the
 * sweeper. A paused tenant (needs_reconnect, disconnected) is left alone: its runs would only be parked.
 */
export async function tenantsWithOverdueNotes(db: Db, { olderThanMs }: { olderThanMs: number }) {
  const rows = await db
    .selectDistinct({ tenantId: smsMessages.tenantId })
    .from(smsMessages)
    .innerJoin(tenants, eq(tenants.id, smsMessages.tenantId))
    .where(
      and(
        eq(tenants.status, "active"),
        isNotNull(smsMessages.notesDueAt),
        isNull(smsMessages.notedAt),
        lt(smsMessages.notesDueAt, new Date(Date.now() - olderThanMs)),
        or(isNull(smsMessages.notesLockedUntil), lt(smsMessages.notesLockedUntil, sql`now()`)),
      ),
    );
  return rows.map((r) => r.tenantId);
}
