// Which queued auto-callback may be dialed next (dispatch.ts decides when): the candidate query and its guards.
import { and, eq, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { callbackQueue } from "@/db/schema";

export type Candidate = {
  id: string;
  target_type: "responsible" | "employee" | "group";
  target_extension: string;
  line_number: string | null;
  phone_sealed: string;
  seal_key_id: string;
  attempts: number;
  call_now: boolean;
  recently_called: boolean;
};

export const itemWhere = (tenantId: string, id: string) =>
  and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.id, id));

export const loopGuardReason = (minutes: number) =>
  `Этому клиенту уже звонили автоперезвоном менее ${minutes} минут назад`;

/** Why an item cannot be dialed at all, before anything is sent; null when it can. */
export function undialable(c: Candidate): string | null {
  if (c.target_extension.trim() === "") return "Не указан сотрудник или группа, от которых звонить";
  if (c.target_type === "group" && !c.line_number)
    return "Для звонка от имени группы нужна линия (номер, который увидит клиент) — в правиле она не выбрана";
  return null;
}

/**
 * The next queued item that may be dialed now, locked: «Позвонить сейчас» first (even before the slot),
 * then queue order. Items of a paused rule wait, and an employee with an auto-callback still dialing is
 * not rung for the next one — someone else's item may go instead. A group is not held so: MANGO rings its
 * first free operator (`callback_group`) and answers 1160 when none is free. `recently_called` is the loop
 * guard: the same client number dialed by any item within the cooldown.
 */
export async function nextCandidate(
  tx: Db,
  o: { tenantId: string; now: Date; slotOpen: boolean; cooldownMinutes: number },
): Promise<Candidate | null> {
  const since = new Date(o.now.getTime() - o.cooldownMinutes * 60_000);
  const rows = rowsOf<Candidate>(
    await tx.execute(sql`
      select q.id, q.target_type, q.target_extension, q.line_number, q.phone_sealed, q.seal_key_id, q.attempts,
        q.call_now_at is not null as call_now,
        (${o.cooldownMinutes}::int > 0 and exists (
          select 1 from callback_queue o
          where o.tenant_id = q.tenant_id and o.phone_lookup = q.phone_lookup and o.id <> q.id
            and o.dispatched_at > ${since})) as recently_called
      from callback_queue q
      where q.tenant_id = ${o.tenantId} and q.state = 'queued'
        and (${o.slotOpen}::boolean or q.call_now_at is not null)
        and (q.rule_id is null or not exists (
          select 1 from callback_rule_pauses p where p.tenant_id = q.tenant_id and p.rule_id = q.rule_id))
        and (q.target_type = 'group' or not exists (
          select 1 from callback_queue d
          where d.tenant_id = q.tenant_id and d.state = 'dialing' and d.target_type <> 'group'
            and d.target_extension = q.target_extension))
      order by q.call_now_at asc nulls last, q.seq asc
      limit 1
      for update of q skip locked`),
  );
  return rows[0] ?? null;
}

export async function anyQueued(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db
    .select({ id: callbackQueue.id })
    .from(callbackQueue)
    .where(and(eq(callbackQueue.tenantId, tenantId), eq(callbackQueue.state, "queued")))
    .limit(1);
  return rows.length > 0;
}

export async function anyUnpausedQueued(tx: Db, tenantId: string): Promise<boolean> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select q.id from callback_queue q
      where q.tenant_id = ${tenantId} and q.state = 'queued'
        and (q.rule_id is null or not exists (
          select 1 from callback_rule_pauses p where p.tenant_id = q.tenant_id and p.rule_id = q.rule_id))
      limit 1`),
  );
  return rows.length > 0;
}
