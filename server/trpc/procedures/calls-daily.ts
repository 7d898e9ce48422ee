import { z } from "zod";
import { dailyCallCounts } from "@/server/calls/page/daily";
import { tenantProcedure } from "../init";
import { callsFilterInput } from "./calls-list";

const DAY_MS = 86_400_000;

/** Answered, missed (incoming) and not answered (outgoing) calls per day of the account's time zone in the period (the same filters as `calls.list`). */
export const callsDaily = tenantProcedure
  .meta({ access: "tenant", sample: () => ({ from: new Date(Date.now() - 30 * DAY_MS) }) })
  .input(callsFilterInput.extend({ from: z.date() }))
  .output(
    z.array(
      z.object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        answered: z.number().int(),
        missed: z.number().int(),
        notAnswered: z.number().int(),
      }),
    ),
  )
  .query(({ ctx, input }) =>
    dailyCallCounts(ctx.db, {
      tenantId: ctx.tenant.id,
      timeZone: ctx.tenant.timeZone,
      direction: input.callDirection,
      extension: input.extension,
      result: input.result,
      from: input.from,
      to: input.to,
    }),
  );
