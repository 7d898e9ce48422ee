import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";

/**
 * Rejected webhooks are recorded (inbox row + journal entry) at a bounded rate; the rest are only counted,
 * in `webhook_rejection_windows` (PostgreSQL, so every app instance shares the budget). Per minute:
 * - one sender (client address) at one address (tenant or unknown key, provider) gets SOURCE_ROWS_PER_MINUTE
 *   rows, so one flooding sender never silences another;
 * - an address gets ADDRESS_ROWS_PER_MINUTE rows whatever the senders;
 * - the client address comes from a header, so only SENDERS_PER_MINUTE senders get their own counter at an
 *   address; later new ones share the `other` counter (a flood with a made-up address per request adds no
 *   row per request).
 * Every rejected request is still answered its 4xx with the reason; only what is kept of it is bounded.
 */
export const SOURCE_ROWS_PER_MINUTE = 10;
export const ADDRESS_ROWS_PER_MINUTE = 100;
export const SENDERS_PER_MINUTE = 200;
export const OTHER_SENDERS = "other";

export type RejectionSource = {
  tenantId: string | null;
  provider: string;
  /** The client address (./client-address.ts). */
  address: string;
};

export const minuteOf = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000);
const at = (s: Pick<RejectionSource, "tenantId" | "provider">) => `${s.tenantId ?? "unknown"}:${s.provider}`;
/** Every rejection at an address: `recorded` got a row, `suppressed` were only counted. */
export const addressScope = (s: Pick<RejectionSource, "tenantId" | "provider">) => `address:${at(s)}`;
/** `recorded` = senders given their own counter, `suppressed` = rejections counted under `other`. */
export const sendersScope = (s: Pick<RejectionSource, "tenantId" | "provider">) => `senders:${at(s)}`;
/** One sender's rejections at an address (or `other`'s). */
export const sourceScope = (s: RejectionSource) => `source:${at(s)}:${s.address}`;

/**
 * Counts one rejection in its minute and says whether it may be recorded. One statement: the sender's
 * counter (its own if it has one or may get one, else `other`) decides by the sender's budget, then the
 * address's counter by the address's. Each counter row is updated under its row lock, always in the same
 * order, so concurrent requests on any instance count exactly.
 */
export async function admitRejection(
  db: Db,
  s: RejectionSource & { reason: string; at: Date },
): Promise<boolean> {
  const window = minuteOf(s.at).toISOString();
  const reason = s.reason.slice(0, 500);
  const own = sourceScope(s);
  const other = sourceScope({ ...s, address: OTHER_SENDERS });
  const result = await db.execute(sql`
    with known as (
      select 1 from webhook_rejection_windows where scope = ${own} and window_start = ${window}::timestamptz
    ), senders as (
      insert into webhook_rejection_windows as w
        (scope, window_start, tenant_id, provider, recorded, suppressed, last_kept, last_reason)
      select ${sendersScope(s)}, ${window}::timestamptz, ${s.tenantId}::uuid, ${s.provider},
        (not exists (select 1 from known))::int, 0, true, ${reason}
      on conflict (scope, window_start) do update set
        recorded = w.recorded + (excluded.recorded = 1 and w.recorded < ${SENDERS_PER_MINUTE}::int)::int,
        suppressed = w.suppressed + (excluded.recorded = 1 and w.recorded >= ${SENDERS_PER_MINUTE}::int)::int,
        last_kept = excluded.recorded = 0 or w.recorded < ${SENDERS_PER_MINUTE}::int,
        last_reason = excluded.last_reason,
        updated_at = now()
      returning last_kept
    ), sender as (
      insert into webhook_rejection_windows as w
        (scope, window_start, tenant_id, provider, source, recorded, suppressed, last_kept, last_reason)
      select case when senders.last_kept then ${own} else ${other} end, ${window}::timestamptz,
        ${s.tenantId}::uuid, ${s.provider}, case when senders.last_kept then ${s.address} else ${OTHER_SENDERS} end,
        1, 0, true, ${reason}
      from senders
      on conflict (scope, window_start) do update set
        recorded = w.recorded + (w.recorded < ${SOURCE_ROWS_PER_MINUTE}::int)::int,
        suppressed = w.suppressed + (w.recorded >= ${SOURCE_ROWS_PER_MINUTE}::int)::int,
        last_kept = w.recorded < ${SOURCE_ROWS_PER_MINUTE}::int,
        last_reason = excluded.last_reason,
        updated_at = now()
      returning last_kept
    ), address as (
      insert into webhook_rejection_windows as w
        (scope, window_start, tenant_id, provider, recorded, suppressed, last_kept, last_reason)
      select ${addressScope(s)}, ${window}::timestamptz, ${s.tenantId}::uuid, ${s.provider},
        sender.last_kept::int, (not sender.last_kept)::int, sender.last_kept, ${reason}
      from sender
      on conflict (scope, window_start) do update set
        recorded = w.recorded + (excluded.last_kept and w.recorded < ${ADDRESS_ROWS_PER_MINUTE}::int)::int,
        suppressed = w.suppressed + (not (excluded.last_kept and w.recorded < ${ADDRESS_ROWS_PER_MINUTE}::int))::int,
        last_kept = excluded.last_kept and w.recorded < ${ADDRESS_ROWS_PER_MINUTE}::int,
        last_reason = excluded.last_reason,
        updated_at = now()
      returning last_kept
    )
    select coalesce((select last_kept from address), false) as kept
  `);
  return rowsOf<{ kept: boolean }>(result)[0]?.kept === true;
}
