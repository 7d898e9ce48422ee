// One run of a call's topics chain (jobs.ts): ask MANGO (/vpbx/cc/call/) while nothing is there and the hour
// is not over; once topics or a comment appear, place the note (place.ts) and, ★, the «Тематики КЦ» values.
// No transaction or connection is held while MANGO or amoCRM answers; waiting is the job's delay.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type CallTopicsRow, calls, callTopics } from "@/db/schema";
import type { EffectiveSettings } from "@/lib/domain/settings/effective";
import { withOpenPhone } from "@/server/calls/phone";
import { campaignClientOf } from "@/server/calls/write/campaign";
import { campaignTaskOf, chooseResponsible, employeeExtensions } from "@/server/calls/write/decide";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { MangoNotConnectedError, mangoClientFor } from "@/server/connections/mango";
import { usersOfExtensions } from "@/server/employees/queries";
import type { JobOutcome } from "@/server/jobs/define";
import { MangoNotFoundError } from "@/server/mango/errors";
import { getEffectiveSettings } from "@/server/settings/queries";
import { getTenant } from "@/server/tenancy/queries";
import { ensureTopicsField, setDealTopics } from "./field";
import { placeDeal, writeTopicsNote } from "./place";
import { GAVE_UP_REASON, nextPollAt, topicsNoteText } from "./plan";
import { cachedTopics, topicPaths } from "./tree";

export type TopicsRun = { outcome: JobOutcome; nextAt: Date | null };

const byRow = (tenantId: string, id: string) => and(eq(callTopics.tenantId, tenantId), eq(callTopics.id, id));

async function finish(
  db: Db,
  row: CallTopicsRow,
  reason: string,
  o: { mangoCode?: number | null; now: Date },
) {
  await db
    .update(callTopics)
    .set({ state: "skipped", reason, mangoCode: o.mangoCode ?? null, nextPollAt: null, finishedAt: o.now })
    .where(byRow(row.tenantId, row.id));
  return { outcome: { status: "skipped", reason } as const, nextAt: null };
}

export async function runCallTopics(
  db: Db,
  { tenantId, callId, now = new Date() }: { tenantId: string; callId: string; now?: Date },
): Promise<TopicsRun> {
  const [row] = await db
    .select()
    .from(callTopics)
    .where(and(eq(callTopics.tenantId, tenantId), eq(callTopics.callId, callId)));
  if (!row) return { outcome: { status: "skipped", reason: "звонок не ждёт тематик" }, nextAt: null };
  if (row.state === "saved" || row.state === "skipped")
    return { outcome: { status: "done", result: { state: row.state, leadId: row.leadId } }, nextAt: null };
  const settings = await getEffectiveSettings(db, { tenantId });
  if (!settings.extra.contactCenter.saveTopics.enabled)
    return finish(db, row, "«Сохранять в сделках тематики и комментарии» выключено", { now });
  if (row.state === "waiting") {
    const asked = await askMango(db, row, now);
    if (asked.final) return asked.final;
    if (!asked.found) {
      const next = nextPollAt(row.polls + 1, row.deadlineAt, now);
      if (!next) return finish(db, { ...row }, GAVE_UP_REASON, { now });
      await db
        .update(callTopics)
        .set({ polls: row.polls + 1, nextPollAt: next, updatedAt: now })
        .where(byRow(tenantId, row.id));
      return {
        outcome: {
          status: "done",
          result: { state: "waiting", polls: row.polls + 1, nextAt: next.toISOString() },
        },
        nextAt: next,
      };
    }
  }
  return saveCallTopics(db, { tenantId, callId, settings, now });
}

/** One question to MANGO. Found topics or a comment move the row to `placing` with them. */
async function askMango(
  db: Db,
  row: CallTopicsRow,
  now: Date,
): Promise<{ found: boolean; final?: TopicsRun }> {
  let mango: Awaited<ReturnType<typeof mangoClientFor>>;
  try {
    mango = await mangoClientFor(db, { tenantId: row.tenantId });
  } catch (err) {
    if (err instanceof MangoNotConnectedError)
      return {
        found: false,
        final: await finish(db, row, "MANGO OFFICE не подключена — тематики не узнать", { now }),
      };
    throw err;
  }
  let data: Awaited<ReturnType<typeof mango.getCcCall>>;
  try {
    data = await mango.getCcCall(row.entryId);
  } catch (err) {
    if (!(err instanceof MangoNotFoundError)) throw err;
    const code = err.code ?? 3300;
    const reason = `MANGO OFFICE не знает этот звонок в Контакт-центре (код ${code}) — тематики не сохранить`;
    return { found: false, final: await finish(db, row, reason, { mangoCode: code, now }) };
  }
  if (data.topicIds.length === 0 && data.comments.length === 0) return { found: false };
  const { paths } = await topicPaths(db, {
    tenantId: row.tenantId,
    ids: data.topicIds,
    now,
    listTopics: () => mango.listCcTopics(),
  });
  await db
    .update(callTopics)
    .set({
      state: "placing",
      polls: row.polls + 1,
      nextPollAt: null,
      topicIds: [...new Set(data.topicIds)],
      topicPaths: paths,
      comment: data.comments.join("\n"),
      updatedAt: now,
    })
    .where(byRow(row.tenantId, row.id));
  return { found: true };
}

/** The deal, the note and ★ the field, each once (steps recorded on the row); then `saved`. */
async function saveCallTopics(
  db: Db,
  o: { tenantId: string; callId: string; settings: EffectiveSettings; now: Date },
): Promise<TopicsRun> {
  const { tenantId } = o;
  const tenant = await getTenant(db, { tenantId });
  if (!tenant) return { outcome: { status: "skipped", reason: "аккаунт не найден" }, nextAt: null };
  const [row] = await db
    .select()
    .from(callTopics)
    .where(and(eq(callTopics.tenantId, tenantId), eq(callTopics.callId, o.callId)));
  const [callRow] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.tenantId, tenantId), eq(calls.id, o.callId)));
  if (!row || !callRow) return { outcome: { status: "skipped", reason: "звонок не найден" }, nextAt: null };
  const call = withOpenPhone(callRow);
  if (!call.clientPhone) return finish(db, row, "номер клиента неизвестен", { now: o.now });
  const extensions = employeeExtensions(call);
  const responsible = chooseResponsible(
    extensions,
    await usersOfExtensions(db, { tenantId, extensions }),
    o.settings,
  );
  const amo = amocrmClientFor(db, tenant);
  const topics = o.settings.extra.contactCenter.saveTopics;
  const placed = await placeDeal(db, {
    tenant,
    row,
    call: { ...call, clientPhone: call.clientPhone },
    settings: topics,
    responsibleUserId: "userId" in responsible ? responsible.userId : null,
    amo,
  });
  const taskId = campaignTaskOf(call);
  const campaignName =
    taskId === null ? null : (await campaignClientOf(db, { tenantId, taskId })).campaignName;
  const text = topicsNoteText({
    paths: row.topicPaths ?? [],
    comments: row.comment ? [row.comment] : [],
    campaignName,
    callAt: call.startedAt ? formatCallTime(call.startedAt, tenant.timeZone) : null,
    entryId: row.entryId,
  });
  const noteId = await writeTopicsNote(db, { tenantId, row, leadId: placed.leadId, text, amo });
  let fieldSet = row.fieldSetAt !== null;
  if (topics.topicsField && !fieldSet && (row.topicIds ?? []).length > 0) {
    const { fieldId, enumOf } = await ensureTopicsField(db, {
      tenantId,
      amo,
      nodes: await cachedTopics(db, { tenantId }),
    });
    const enumIds = (row.topicIds ?? []).map((id) => enumOf.get(id)).filter((id) => id !== undefined);
    await setDealTopics(amo, { leadId: placed.leadId, fieldId, enumIds });
    fieldSet = true;
  }
  await db
    .update(callTopics)
    .set({
      state: "saved",
      reason: null,
      finishedAt: o.now,
      ...(fieldSet && !row.fieldSetAt ? { fieldSetAt: o.now } : {}),
    })
    .where(byRow(tenantId, row.id));
  return {
    outcome: {
      status: "done",
      result: {
        state: "saved",
        leadId: placed.leadId,
        placement: placed.placement,
        noteId,
        topics: row.topicPaths,
      },
    },
    nextAt: null,
  };
}

const formatCallTime = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat("ru-RU", {
    timeZone,
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
