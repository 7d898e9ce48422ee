import { CronExpressionParser } from "cron-parser";
import type { Db } from "@/db/client";
import type { JobDefinition } from "@/server/jobs/define";
import { insertJobRun } from "@/server/jobs/runs";

/** The most recent slot of a cron expression at or before `now` (UTC). */
export function latestCronSlot(expression: string, now: Date): Date {
  const it = CronExpressionParser.parse(expression, { currentDate: new Date(now.getTime() + 1), tz: "UTC" });
  return it.prev().toDate();
}

/**
 * Inserts the run of each cron definition's latest slot. The slot's time is the idempotency key, so any
 * number of pollers insert it once and it runs once. Missed older slots are not replayed. `scheduled`
 * (a poller's memory of the slots it already inserted, by definition) skips the insert while the slot is
 * unchanged: a poller that polls again at once while it finds work does not write it on every round.
 */
export async function scheduleCronSlots(
  db: Db,
  definitions: Iterable<JobDefinition>,
  now: Date,
  scheduled?: Map<string, number>,
): Promise<number> {
  let created = 0;
  for (const def of definitions) {
    if (!def.options.cron) continue;
    const slot = latestCronSlot(def.options.cron, now);
    if (scheduled?.get(def.id) === slot.getTime()) continue;
    const res = await insertJobRun(db, def, {} as never, {
      tenantId: null,
      idempotencyKey: `cron:${slot.toISOString()}`,
      driver: "local",
      now: slot,
    });
    scheduled?.set(def.id, slot.getTime());
    if (res.created) created++;
  }
  return created;
}
