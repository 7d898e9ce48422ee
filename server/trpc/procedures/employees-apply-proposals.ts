import { z } from "zod";
import { applyProposals } from "@/server/employees/links";
import { employeeIdsInput, matchReasonSchema } from "@/server/employees/schemas";
import { adminProcedure } from "../init";
import { asTrpcError } from "./employees-errors";

/** "Применить предложения" (no ids) or accepting one row (its employee id). */
export const employeesApplyProposals = adminProcedure
  .meta({ access: "admin", sample: () => ({}) })
  .input(z.object({ employeeIds: employeeIdsInput.optional() }))
  .output(
    z.object({
      linked: z.array(
        z.object({
          mangoEmployeeId: z.string(),
          employeeName: z.string(),
          amoUserId: z.number(),
          userName: z.string(),
          reason: matchReasonSchema,
        }),
      ),
    }),
  )
  .mutation(({ ctx, input }) =>
    applyProposals(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      employeeIds: input.employeeIds,
      queue: ctx.queue,
    }).catch((err) => {
      throw asTrpcError(err);
    }),
  );
