import { z } from "zod";
import { currentProposals } from "@/server/employees/queries";
import { proposalsSchema } from "@/server/employees/schemas";
import { tenantProcedure } from "../init";

/** What the automatic matching would pair, and why; conflicts it refuses to guess. */
export const employeesProposals = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(proposalsSchema)
  .query(({ ctx }) => currentProposals(ctx.db, { tenantId: ctx.tenant.id }));
