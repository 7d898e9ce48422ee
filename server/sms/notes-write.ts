import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { SmsMessageRow } from "@/db/schema";
import { AmocrmApiError, type NoteCreate, type NoteEntity, smsNote } from "@/server/amocrm";
import type { amocrmClientFor } from "@/server/connections/amocrm";
import { logger } from "@/server/log/logger";
import { openSmsPhone, openSmsText } from "./phone";

/**
 * One entity's notes for a batch of SMS rows (notes.ts claims the batch). Each note is recorded right after
 * its request, so a failure later in the batch never makes a written note be written again.
 *
 * amoCRM refusing items must not stall the tenant's notes: amoCRM validates a notes request as a whole and
 * names (by `request_id` or index) only some of the refused items — the emulator, like amoCRM, the first.
 * Items it names are dropped and the rest sent again, a few rounds; after that, or when it names none (a
 * 400 without `validation-errors`), the batch is written one note at a time and every note amoCRM refuses
 * on its own is given up as a refusal. Only errors that are not about the items (network, 5xx, 429,
 * 401/402/403) are thrown, so the run is retried.
 */

type Amo = ReturnType<typeof amocrmClientFor>;
export type NoteItem = { row: SmsMessageRow; entityId: number };
export type NoteRefusal = { smsId: string; entity: NoteEntity; reason: string };

/** Rounds of "drop the items amoCRM named, send the rest" before falling back to one note per request. */
const NAMED_DROP_ROUNDS = 3;

/** A 4xx about the request's content: amoCRM created nothing and sending it again as is cannot succeed. */
const isRefusal = (err: unknown): err is AmocrmApiError =>
  err instanceof AmocrmApiError && (err.kind === "validation" || err.kind === "bad_request");

/** Codes and paths only: a detail might echo a value (a phone number) into the journal. */
function reasonOf(err: AmocrmApiError, errors?: { code: string; path: string }[]) {
  const list = errors ?? err.validationErrors.flatMap((v) => v.errors);
  const named = list.map((e) => `${e.code} ${e.path}`).join(", ");
  return `amoCRM отклонил примечание (${err.status}${named ? `: ${named}` : err.title ? `: ${err.title}` : ""})`;
}

const noteOf = ({ row, entityId }: NoteItem): NoteCreate => ({
  ...smsNote(entityId, { direction: "outbound", phone: openSmsPhone(row), text: openSmsText(row) }),
  request_id: row.id,
});

/** Writes the column of each row's created note in one statement. */
async function recordNoteIds(
  db: Db,
  tenantId: string,
  entity: NoteEntity,
  pairs: { id: string; noteId: number }[],
) {
  if (pairs.length === 0) return;
  const column = entity === "contacts" ? "contact_note_id" : "lead_note_id";
  const values = sql.join(
    pairs.map((p) => sql`(${p.id}::uuid, ${p.noteId}::bigint)`),
    sql`, `,
  );
  await db.execute(sql`
    update sms_messages as s set ${sql.raw(column)} = v.note_id
    from (values ${values}) as v(id, note_id)
    where s.tenant_id = ${tenantId} and s.id = v.id`);
}

/** One request for these items; created ids are matched back by `request_id` (or, failing that, order). */
async function post(db: Db, amo: Amo, tenantId: string, entity: NoteEntity, items: NoteItem[]) {
  const created = await amo.addNotesBatch(entity, items.map(noteOf));
  const pairs = created.flatMap((n, i) => {
    const id = items.find((b) => b.row.id === n.requestId)?.row.id ?? items[i]?.row.id;
    return id ? [{ id, noteId: n.id }] : [];
  });
  await recordNoteIds(db, tenantId, entity, pairs);
}

/** The items amoCRM named in its validation errors, by our `request_id` or by index. */
function namedRefusals(err: AmocrmApiError, items: NoteItem[], entity: NoteEntity): NoteRefusal[] {
  const out = new Map<string, NoteRefusal>();
  for (const v of err.validationErrors) {
    const item = items.find((b) => b.row.id === v.requestId) ?? items[Number(v.requestId ?? Number.NaN)];
    if (item) out.set(item.row.id, { smsId: item.row.id, entity, reason: reasonOf(err, v.errors) });
  }
  return [...out.values()];
}

/** Writes the items' notes; returns the ones amoCRM refused for good (their rows are settled by the caller). */
export async function writeNotes(
  db: Db,
  amo: Amo,
  tenantId: string,
  entity: NoteEntity,
  items: NoteItem[],
): Promise<NoteRefusal[]> {
  const refused: NoteRefusal[] = [];
  let batch = items;
  for (let round = 0; batch.length > 0; round++) {
    try {
      await post(db, amo, tenantId, entity, batch);
      return refused;
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const named = round < NAMED_DROP_ROUNDS ? namedRefusals(err, batch, entity) : [];
      if (named.length === 0) {
        logger.warn(
          { entity, items: batch.length, status: err.status },
          "amoCRM refused SMS notes; one by one",
        );
        return [...refused, ...(await oneByOne(db, amo, tenantId, entity, batch))];
      }
      logger.warn({ entity, refused: named.length }, "amoCRM refused some SMS notes; writing the rest");
      refused.push(...named);
      const dropped = new Set(named.map((r) => r.smsId));
      batch = batch.filter((b) => !dropped.has(b.row.id));
    }
  }
  return refused;
}

async function oneByOne(db: Db, amo: Amo, tenantId: string, entity: NoteEntity, items: NoteItem[]) {
  const refused: NoteRefusal[] = [];
  for (const item of items) {
    try {
      await post(db, amo, tenantId, entity, [item]);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      refused.push({ smsId: item.row.id, entity, reason: reasonOf(err) });
    }
  }
  return refused;
}
