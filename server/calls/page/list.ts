// The Calls page's list: a tenant's calls, newest first, cursor-paginated, each with its employee, the
// amoCRM contact it was logged on, the journal entry of its `calls.log` run and its Contact Center topics
// (server/topics/view.ts). The client number leaves this module masked.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ActivityStatus, activityLog, callLogs, calls, jobRuns } from "@/db/schema";
import { writeCallJob } from "@/server/calls/jobs";
import { employeesOfExtensions } from "@/server/employees/queries";
import { maskPhone } from "@/server/log/mask";
import { type CallTopicsView, callTopicsOf } from "@/server/topics/view";
import {
  afterCallCursor,
  answeredSql,
  type CallResult,
  type CallsFilter,
  type CallTimeCursor,
  callResultOf,
  callsWhere,
  callTime,
} from "./filters";

/** The last row of the previous page: the next page starts strictly after it in (time, id) order. */
export type CallsCursor = CallTimeCursor;

export type CallsPageRow = {
  id: string;
  at: Date;
  direction: "incoming" | "outgoing" | "unknown";
  finished: boolean;
  /** Masked (+7999***4567); null when the call has no client number. */
  clientPhone: string | null;
  /** Who answered, else who placed the (outgoing) call, else the first extension that rang. */
  extension: string | null;
  employeeName: string | null;
  amoUserName: string | null;
  talkSeconds: number;
  result: CallResult;
  contactUrl: string | null;
  /** The journal entry of the run that logged the call to amoCRM (`/journal?entry=<id>`). */
  logEntry: { id: string; status: ActivityStatus } | null;
  /** Its Contact Center topics being saved into a deal (server/topics); null when the call has no row. */
  topics: (CallTopicsView & { dealUrl: string | null }) | null;
};

/** The idempotency key `mango.event` enqueues `calls.log` with (server/events/mango-jobs.ts). */
const logKeyOf = sql`'call:' || ${calls.id}::text`;

export const contactUrlOf = (baseUrl: string, contactId: number) =>
  `${baseUrl.replace(/\/+$/, "")}/contacts/detail/${contactId}`;

export const dealUrlOf = (baseUrl: string, leadId: number) =>
  `${baseUrl.replace(/\/+$/, "")}/leads/detail/${leadId}`;

export async function listCallsPage(
  db: Db,
  f: CallsFilter & { amocrmBaseUrl: string; cursor?: CallsCursor; limit: number },
): Promise<{ items: CallsPageRow[]; nextCursor: CallsCursor | null }> {
  const rows = await db
    .select({
      id: calls.id,
      at: sql<Date>`${callTime}`.mapWith(calls.createdAt),
      direction: calls.direction,
      stage: calls.stage,
      clientPhone: calls.clientPhone,
      answeredExtension: calls.answeredExtension,
      callerExtension: calls.callerExtension,
      rangExtensions: calls.rangExtensions,
      talkSeconds: calls.talkSeconds,
      answered: sql<boolean>`${answeredSql}`,
      // The client step of `calls.log` records the contact as soon as it is resolved; older runs only in
      // their result.
      contactId: sql<string | null>`coalesce(${callLogs.contactId}::text, ${jobRuns.result}->>'contactId')`,
      logEntryId: activityLog.id,
      logStatus: activityLog.status,
    })
    .from(calls)
    .leftJoin(callLogs, and(eq(callLogs.tenantId, f.tenantId), eq(callLogs.callId, calls.id)))
    .leftJoin(
      jobRuns,
      and(
        eq(jobRuns.tenantId, f.tenantId),
        eq(jobRuns.jobId, writeCallJob.id),
        eq(jobRuns.idempotencyKey, logKeyOf),
      ),
    )
    .leftJoin(
      activityLog,
      and(
        eq(activityLog.tenantId, f.tenantId),
        eq(activityLog.source, "job"),
        eq(activityLog.sourceId, jobRuns.id),
      ),
    )
    .where(and(callsWhere(f), f.cursor ? afterCallCursor(f.cursor) : undefined))
    .orderBy(desc(callTime), desc(calls.id))
    .limit(f.limit + 1);

  const page = rows.slice(0, f.limit);
  const extensionOf = (r: (typeof rows)[number]) =>
    r.answeredExtension ?? r.callerExtension ?? (r.rangExtensions as string[])[0] ?? null;
  const people = await employeesOfExtensions(db, {
    tenantId: f.tenantId,
    extensions: [...new Set(page.map(extensionOf).filter((e): e is string => e !== null))],
  });
  const topics = await callTopicsOf(db, { tenantId: f.tenantId, callIds: page.map((r) => r.id) });
  const items = page.map((r): CallsPageRow => {
    const extension = extensionOf(r);
    const topic = topics.get(r.id);
    const person = extension ? people.get(extension) : undefined;
    const contactId = r.contactId && /^\d+$/.test(r.contactId) ? Number(r.contactId) : null;
    return {
      id: r.id,
      at: r.at,
      direction: r.direction === "internal" ? "unknown" : r.direction,
      finished: r.stage === "finished",
      clientPhone: r.clientPhone ? maskPhone(r.clientPhone) : null,
      extension,
      employeeName: person?.employeeName ?? null,
      amoUserName: person?.amoUserName ?? null,
      talkSeconds: r.talkSeconds,
      result: callResultOf(r.answered, r.direction),
      contactUrl: contactId ? contactUrlOf(f.amocrmBaseUrl, contactId) : null,
      logEntry: r.logEntryId && r.logStatus ? { id: r.logEntryId, status: r.logStatus } : null,
      topics: topic
        ? { ...topic, dealUrl: topic.leadId ? dealUrlOf(f.amocrmBaseUrl, topic.leadId) : null }
        : null,
    };
  });
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? { at: last.at, id: last.id } : null };
}
