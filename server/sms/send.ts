import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type SmsMessageRow, smsMessages } from "@/db/schema";
import { checkMangoLength } from "@/lib/domain/sms/segments";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { type JobOutcome, NonRetriableError } from "@/server/jobs/define";
import type { JobQueue } from "@/server/jobs/queue";
import { MangoError } from "@/server/mango/errors";
import { ensureSmsNotesRun, queueSmsNotes } from "./notes-jobs";
import { withOpenSms } from "./phone";
import { describeSmsRefusal } from "./refusals";

const where = (tenantId: string, id: string) =>
  and(eq(smsMessages.tenantId, tenantId), eq(smsMessages.id, id));

async function update(db: Db, row: SmsMessageRow, set: Partial<SmsMessageRow>) {
  await db.update(smsMessages).set(set).where(where(row.tenantId, row.id));
}

/**
 * Step 1: `commands/sms`, asked at most once per row. `command_at` is stamped before MANGO is called; a
 * run that finds it stamped without an acknowledgement (a crash, an unknown outcome) never asks again —
 * MANGO does not deduplicate command_id, and `result/sms` with this command_id settles the row instead.
 * Retried only when MANGO certainly did nothing (`retrySafe` and not `outcomeUnknown`).
 */
async function command(db: Db, row: SmsMessageRow): Promise<"sent" | JobOutcome> {
  if (row.sentAt) return "sent";
  if (row.commandAt)
    return { status: "skipped", reason: "Исход отправки неизвестен — ждём result/sms от MANGO" };
  const length = checkMangoLength(row.text);
  if (!length.ok) {
    await update(db, row, { status: "skipped", reason: length.reason });
    return { status: "skipped", reason: length.reason };
  }
  let mango: Awaited<ReturnType<typeof mangoClientFor>>;
  try {
    // Stamped once the request has its slot in MANGO's rate budget, right before it goes: a process that dies
    // while waiting for the budget (seconds under a bulk apply) leaves the SMS unsent and unstamped, so its
    // retry sends it; stamped before the wait, it was never sent and never retried.
    mango = await mangoClientFor(
      db,
      { tenantId: row.tenantId },
      { beforeSend: () => update(db, row, { commandAt: new Date() }) },
    );
  } catch (err) {
    if (err instanceof MangoNotConnectedError) {
      await update(db, row, { status: "skipped", reason: err.message });
      return { status: "skipped", reason: err.message };
    }
    throw err;
  }
  try {
    await mango.sendSms({
      commandId: row.commandId,
      fromExtension: row.fromExtension,
      toNumber: row.phone,
      text: row.text,
      sender: row.senderName ?? undefined,
    });
  } catch (err) {
    if (!(err instanceof MangoError)) throw err;
    if (err.retrySafe && !err.outcomeUnknown) {
      await update(db, row, { commandAt: null });
      throw err;
    }
    if (err.outcomeUnknown) {
      await update(db, row, { reason: "Исход отправки неизвестен — ждём result/sms от MANGO" });
      throw new NonRetriableError(`MANGO: исход отправки SMS неизвестен (${err.humanMessage}), не повторяем`);
    }
    // MANGO refused the command: say which parameter and what to do (the SMS log and the journal show it).
    const reason = err.code !== null ? describeSmsRefusal(err.code, row) : err.humanMessage;
    await update(db, row, { status: "failed", reason, resultCode: err.code });
    throw new NonRetriableError(reason);
  }
  // result/sms may already have been handled (or even events/sms): only a queued row becomes "sent".
  await update(db, row, { sentAt: new Date() });
  await db
    .update(smsMessages)
    .set({ status: "sent" })
    .where(and(where(row.tenantId, row.id), eq(smsMessages.status, "queued")));
  return "sent";
}

/**
 * One SMS of a rule: MANGO asked once (step 1), then the row marked for its notes on the client's contact
 * and the deal, which the per-tenant notes job writes in batches (notes.ts).
 */
export async function sendRuleSms(
  db: Db,
  queue: JobQueue,
  { tenantId, smsId }: { tenantId: string; smsId: string },
): Promise<JobOutcome> {
  const [row] = await db.select().from(smsMessages).where(where(tenantId, smsId));
  if (!row) return { status: "skipped", reason: "SMS не найдено" };
  if (row.status === "skipped" || row.status === "failed")
    return { status: "skipped", reason: row.reason ?? "SMS не отправляется" };
  // The number and the text as sent: the row holds them masked and sealed (phone.ts).
  const sent = await command(db, withOpenSms(row));
  if (sent !== "sent") return sent;
  const [fresh] = await db.select().from(smsMessages).where(where(tenantId, smsId));
  // MANGO may already have said it did not send it (result/sms ≠ 1000): nothing to note then.
  if (fresh!.status === "failed") return { status: "skipped", reason: fresh!.reason ?? "SMS не отправлено" };
  if (!fresh!.notedAt) await queueSmsNotes(db, queue, fresh!);
  return { status: "done", result: { smsId, commandId: row.commandId } };
}

/**
 * MANGO's answers, matched by command_id: `result/sms` tells whether MANGO sent it (1000) or refused,
 * `events/sms` whether it was delivered. They may be handled concurrently with each other and with the
 * send job, in any order, so each update says in SQL which statuses it may replace: a delivery report is
 * final, and a late `result/sms` or acknowledgement never moves a row back from it.
 *
 * A report that MANGO sent the SMS also marks it for its notes (in the same statement, so a crash cannot
 * separate the two) unless it is noted or marked already: when the send job could not learn the outcome
 * (an unknown answer, a crash after MANGO accepted) it ended without marking, and this report is then the
 * only news that the SMS went out. With `queue`, a notes run is made sure of for such a row.
 */
export async function applySmsReport(
  db: Db,
  input: { tenantId: string; kind: "result/sms" | "events/sms"; commandId: string; code: number },
  queue?: JobQueue,
): Promise<boolean> {
  const ok = input.code === 1000;
  const own = and(eq(smsMessages.tenantId, input.tenantId), eq(smsMessages.commandId, input.commandId));
  // The refusal names the sender, extension and number this SMS was sent with.
  const [sent] = ok
    ? []
    : await db
        .select({
          senderName: smsMessages.senderName,
          fromExtension: smsMessages.fromExtension,
          phone: smsMessages.phone,
        })
        .from(smsMessages)
        .where(own)
        .limit(1);
  const failure = {
    status: "failed" as const,
    resultCode: input.code,
    reason: describeSmsRefusal(input.code, sent ?? { senderName: null, fromExtension: "—", phone: "" }),
  };
  // Column references in SET read the row before the update.
  const notesDue = sql`coalesce(${smsMessages.notesDueAt}, case when ${smsMessages.notedAt} is null then now() end)`;
  const set =
    input.kind === "events/sms"
      ? ok
        ? {
            status: "delivered" as const,
            deliveredAt: new Date(),
            resultCode: input.code,
            reason: null,
            notesDueAt: notesDue,
          }
        : failure
      : ok
        ? // The row's reason may say the outcome was unknown: it is known now.
          {
            status: "sent" as const,
            sentAt: new Date(),
            resultCode: input.code,
            reason: null,
            notesDueAt: notesDue,
          }
        : failure;
  const replaceable =
    input.kind === "events/sms" ? undefined : inArray(smsMessages.status, ["queued", "sent"]);
  const updated = await db
    .update(smsMessages)
    .set(set)
    .where(and(own, replaceable))
    .returning({ id: smsMessages.id, notesDueAt: smsMessages.notesDueAt, notedAt: smsMessages.notedAt });
  if (updated.length > 0) {
    for (const row of updated)
      if (queue && row.notesDueAt && !row.notedAt)
        await ensureSmsNotesRun(db, queue, { tenantId: input.tenantId, id: row.id });
    return true;
  }
  const [known] = await db.select({ id: smsMessages.id }).from(smsMessages).where(own);
  return Boolean(known);
}
