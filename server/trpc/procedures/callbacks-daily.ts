import { z } from "zod";
import { dailyStats } from "@/server/callbacks/queue-view";
import { tenantProcedure } from "../init";

const DAY_MS = 86_400_000;

/** Auto-callbacks queued, succeeded and failed per day of the account's time zone in the period. */
export const callbacksDaily = tenantProcedure
  .meta({ access: "tenant", sample: () => ({ from: new Date(Date.now() - 30 * DAY_MS) }) })
  .input(z.object({ from: z.date(), to: z.date().optional() }))
  .output(
    z.array(
      z.object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        queued: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
      }),
    ),
  )
  .query(({ ctx, input }) =>
    dailyStats(ctx.db, {
      tenantId: ctx.tenant.id,
      timeZone: ctx.tenant.timeZone,
      from: input.from,
      to: input.to,
    }),
  );
