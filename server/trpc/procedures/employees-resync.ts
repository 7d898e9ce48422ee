import { z } from "zod";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { mangoClientFor } from "@/server/connections/mango";
import { resyncDirectory } from "@/server/employees/resync";
import { resyncReportSchema } from "@/server/employees/schemas";
import { adminProcedure } from "../init";

/**
 * "Обновить": reads MANGO employees and amoCRM users again. A side that is not connected or not reachable is
 * reported in the answer rather than failing the call, so the other side still refreshes.
 */
export const employeesResync = adminProcedure
  .meta({ access: "admin", sample: () => undefined })
  .input(z.void())
  .output(resyncReportSchema)
  .mutation(({ ctx }) => {
    const mango = () => mangoClientFor(ctx.db, { tenantId: ctx.tenant.id });
    return resyncDirectory(ctx.db, {
      tenantId: ctx.tenant.id,
      mangoEmployees: async () => (await mango()).getUsers(),
      mangoGroups: async () => (await mango()).getGroups(),
      amocrm: async () => amocrmClientFor(ctx.db, ctx.tenant),
    });
  });
