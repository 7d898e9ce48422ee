import { z } from "zod";
import { listDirectory } from "@/server/employees/queries";
import { directorySchema } from "@/server/employees/schemas";
import { tenantProcedure } from "../init";

/** MANGO employees and amoCRM users of the tenant, with their pairs. */
export const employeesList = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(directorySchema)
  .query(({ ctx }) => listDirectory(ctx.db, { tenantId: ctx.tenant.id }));
