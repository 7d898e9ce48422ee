import { z } from "zod";
import { unlinkEmployee } from "@/server/employees/links";
import { employeeIdInput } from "@/server/employees/schemas";
import { adminProcedure } from "../init";
import { asTrpcError } from "./employees-errors";

/** Removes an employee's pair (manual or automatic); the audit log keeps who did it. */
export const employeesUnlink = adminProcedure
  .meta({ access: "admin", sample: (f) => ({ mangoEmployeeId: f.mangoEmployeeId }) })
  .input(z.object({ mangoEmployeeId: employeeIdInput }))
  .output(z.object({ removed: z.boolean() }))
  .mutation(({ ctx, input }) =>
    unlinkEmployee(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, ...input }).catch((err) => {
      throw asTrpcError(err);
    }),
  );
