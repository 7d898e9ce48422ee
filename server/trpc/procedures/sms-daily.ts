import { z } from "zod";
import { dailySmsCounts } from "@/server/sms/history-daily";
import { tenantProcedure } from "../init";
import { smsFilterInput } from "./sms-list";

const DAY_MS = 86_400_000;

/** Sent, delivered and failed SMS per day of the account's time zone in the period (the same filters as `sms.list`). */
export const smsDaily = tenantProcedure
  .meta({ access: "tenant", sample: () => ({ from: new Date(Date.now() - 30 * DAY_MS) }) })
  .input(smsFilterInput.extend({ from: z.date() }))
  .output(
    z.array(
      z.object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        sent: z.number().int(),
        delivered: z.number().int(),
        failed: z.number().int(),
      }),
    ),
  )
  .query(({ ctx, input }) =>
    dailySmsCounts(ctx.db, {
      tenantId: ctx.tenant.id,
      timeZone: ctx.tenant.timeZone,
      status: input.status,
      ruleId: input.ruleId,
      from: input.from,
      to: input.to,
      search: input.search,
    }),
  );
