import { z } from "zod";
import { callbackOptions } from "@/server/callbacks/options";
import { tenantProcedure } from "../init";

/**
 * «Совершать автоперезвон» in the rule editor: employees with a mapped extension, MANGO groups by name and
 * the account's lines (live from MANGO; `linesProblem` says in Russian why they are missing).
 */
export const rulesCallbackOptions = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      employees: z.array(z.object({ amoUserId: z.number().int(), name: z.string(), extension: z.string() })),
      groups: z.array(
        z.object({ groupId: z.number().int(), name: z.string(), extension: z.string().nullable() }),
      ),
      lines: z.array(
        z.object({ number: z.string(), name: z.string().nullable(), comment: z.string().nullable() }),
      ),
      linesProblem: z.string().nullable(),
    }),
  )
  .query(({ ctx }) => callbackOptions(ctx.db, { tenantId: ctx.tenant.id }));
