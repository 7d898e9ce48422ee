import { z } from "zod";
import { listMembers } from "@/server/tenancy/queries";
import { tenantProcedure } from "../init";

export const membersList = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        email: z.string().nullable(),
        role: z.enum(["owner", "admin", "member"]),
      }),
    ),
  )
  .query(({ ctx }) => listMembers(ctx.db, { tenantId: ctx.tenant.id }));
