// «Неразобранные звонки» (issue 15): finished calls `calls.log` skipped because no extension of theirs is
// paired with an amoCRM user and «Сохранять все звонки» is off (`call_logs.skip_kind = 'unattributed'`),
// newest first, cursor-paginated, with the extensions involved and, for each, its MANGO employee (to pair it
// right in the list) and the amoCRM user it is paired with since (its re-log is then on its way). Pairing an
// extension re-logs its calls (server/employees/relog.ts). The client number leaves this module masked.
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { callLogs, calls } from "@/db/schema";
import { afterCallCursor, type CallTimeCursor, callTime } from "@/server/calls/page/filters";
import { employeesOfExtensions } from "@/server/employees/queries";
import { maskPhone } from "@/server/log/mask";
import { employeeExtensions } from "./decide";

export const UNATTRIBUTED = "unattributed" as const;

export type UnattributedCursor = CallTimeCursor;

export type UnattributedExtension = {
  extension: string;
  /** The MANGO employee of the extension (present ones first); null when the directory does not know it. */
  mangoEmployeeId: string | null;
  employeeName: string | null;
  isPresent: boolean;
  /** Paired since the call was skipped: the call is being logged again to this user. */
  amoUserName: string | null;
};

export type UnattributedCall = {
  id: string;
  at: Date;
  direction: "incoming" | "outgoing" | "unknown";
  answered: boolean;
  /** Masked (+7999***4567); null when the call has no client number. */
  clientPhone: string | null;
  /** Whose call it is, best first (log-decide.ts `employeeExtensions`); empty when MANGO named none. */
  extensions: UnattributedExtension[];
};

/** The where of a tenant's unattributed skips, shared with the re-log after a pairing. */
export const unattributedWhere = (tenantId: string): SQL =>
  and(
    eq(callLogs.tenantId, tenantId),
    eq(callLogs.state, "skipped"),
    eq(callLogs.skipKind, UNATTRIBUTED),
    eq(calls.tenantId, tenantId),
    eq(calls.stage, "finished"),
  )!;

export async function listUnattributedCalls(
  db: Db,
  { tenantId, cursor, limit }: { tenantId: string; cursor?: UnattributedCursor; limit: number },
): Promise<{ items: UnattributedCall[]; nextCursor: UnattributedCursor | null }> {
  const rows = await db
    .select({
      id: calls.id,
      at: sql<Date>`${callTime}`.mapWith(calls.createdAt),
      direction: calls.direction,
      stage: calls.stage,
      clientPhone: calls.clientPhone,
      lineNumber: calls.lineNumber,
      answeredExtension: calls.answeredExtension,
      callerExtension: calls.callerExtension,
      rangExtensions: calls.rangExtensions,
      talkSeconds: calls.talkSeconds,
      disconnectReason: calls.disconnectReason,
      startedAt: calls.startedAt,
      endedAt: calls.endedAt,
    })
    .from(callLogs)
    .innerJoin(calls, and(eq(calls.tenantId, tenantId), eq(calls.id, callLogs.callId)))
    .where(and(unattributedWhere(tenantId), cursor ? afterCallCursor(cursor) : undefined))
    .orderBy(desc(callTime), desc(calls.id))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const extensionsOf = new Map(page.map((r) => [r.id, employeeExtensions(r)]));
  const people = await employeesOfExtensions(db, {
    tenantId,
    extensions: [...new Set([...extensionsOf.values()].flat())],
  });
  const items = page.map(
    (r): UnattributedCall => ({
      id: r.id,
      at: r.at,
      direction: r.direction === "internal" ? "unknown" : r.direction,
      answered: r.answeredExtension !== null || r.talkSeconds > 0,
      clientPhone: r.clientPhone ? maskPhone(r.clientPhone) : null,
      extensions: (extensionsOf.get(r.id) ?? []).map(
        (extension) =>
          people.get(extension) ?? {
            extension,
            mangoEmployeeId: null,
            employeeName: null,
            isPresent: false,
            amoUserName: null,
          },
      ),
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? { at: last.at, id: last.id } : null };
}
