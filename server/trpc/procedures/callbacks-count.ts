import { z } from "zod";
import { queuedCount } from "@/server/callbacks/queue-view";
import { tenantProcedure } from "../init";

/** «Звонков в очереди на автоперезвон: N» in the settings (polled), and the account's time zone for the working hours. */
export const callbacksCount = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(z.object({ queued: z.number().int().min(0), timeZone: z.string() }))
  .query(async ({ ctx }) => ({
    queued: await queuedCount(ctx.db, { tenantId: ctx.tenant.id }),
    timeZone: ctx.tenant.timeZone,
  }));
