import { z } from "zod";
import { linkEmployee } from "@/server/employees/links";
import { amoUserIdInput, employeeIdInput } from "@/server/employees/schemas";
import { adminProcedure } from "../init";
import { asTrpcError } from "./employees-errors";

/**
 * Pairs a MANGO employee with an amoCRM user by hand; a second partner for either is refused (CONFLICT). The
 * extension's calls nobody could be given («Неразобранные звонки») are then logged again to the user.
 */
export const employeesLink = adminProcedure
  .meta({
    access: "admin",
    sample: (f) => ({ mangoEmployeeId: f.mangoEmployeeId, amoUserId: Number(f.amoUserId) }),
  })
  .input(z.object({ mangoEmployeeId: employeeIdInput, amoUserId: amoUserIdInput }))
  .output(z.object({ created: z.boolean() }))
  .mutation(({ ctx, input }) =>
    linkEmployee(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      ...input,
      queue: ctx.queue,
    }).catch((err) => {
      throw asTrpcError(err);
    }),
  );
