import { z } from "zod";
import { listQueue, type QueueItem } from "@/server/callbacks/queue-view";
import { leadUrlOf } from "@/server/sms/history";
import { tenantProcedure } from "../init";

const itemSchema = z.object({
  id: z.uuid(),
  state: z.enum(["queued", "dialing", "succeeded", "failed", "cleared", "removed", "expired", "skipped"]),
  ruleId: z.uuid().nullable(),
  ruleName: z.string(),
  rulePaused: z.boolean(),
  leadId: z.number().int(),
  leadName: z.string().nullable(),
  /** The deal in amoCRM. */
  leadUrl: z.string(),
  targetType: z.enum(["responsible", "employee", "group"]),
  targetName: z.string().nullable(),
  targetExtension: z.string(),
  lineNumber: z.string().nullable(),
  phone: z.string(),
  position: z.number().int().positive().nullable(),
  estimatedAt: z.date().nullable(),
  callNowAt: z.date().nullable(),
  queuedAt: z.date(),
  finishedAt: z.date().nullable(),
  reason: z.string().nullable(),
});

/**
 * The auto-callback queue view: queued items in the order they ring, with place and estimated time (none
 * while the rate is 0 — «на паузе» — or outside the working hours: `waiting`), the rules with queued items
 * and whether each is paused, and the items that left the queue, newest first. Members may read it.
 */
export const callbacksQueue = tenantProcedure
  .meta({ access: "tenant", sample: () => ({}) })
  .input(
    z.object({
      queuedOffset: z.number().int().min(0).default(0),
      queuedLimit: z.number().int().min(1).max(200).default(50),
      finishedOffset: z.number().int().min(0).default(0),
      finishedLimit: z.number().int().min(1).max(200).default(20),
    }),
  )
  .output(
    z.object({
      rate: z.number().int().min(0),
      waiting: z.enum(["paused", "outside_hours"]).nullable(),
      timeZone: z.string(),
      queued: z.object({ items: z.array(itemSchema), total: z.number().int() }),
      finished: z.object({ items: z.array(itemSchema), total: z.number().int() }),
      rules: z.array(
        z.object({ ruleId: z.uuid(), ruleName: z.string(), queued: z.number().int(), paused: z.boolean() }),
      ),
      pausedRules: z.array(z.object({ ruleId: z.uuid(), ruleName: z.string(), pausedAt: z.date() })),
    }),
  )
  .query(async ({ ctx, input }) => {
    const view = await listQueue(ctx.db, {
      tenantId: ctx.tenant.id,
      timeZone: ctx.tenant.timeZone,
      ...input,
    });
    const withUrl = (items: QueueItem[]) =>
      items.map((i) => ({ ...i, leadUrl: leadUrlOf(ctx.tenant.amocrmBaseUrl, i.leadId) }));
    return {
      rate: view.rate,
      waiting: view.waiting,
      timeZone: ctx.tenant.timeZone,
      queued: { items: withUrl(view.queued.items), total: view.queued.total },
      finished: { items: withUrl(view.finished.items), total: view.finished.total },
      rules: view.rules,
      pausedRules: view.pausedRules,
    };
  });
