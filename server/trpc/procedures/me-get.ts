import { z } from "zod";
import { listMembershipsOfUser } from "@/server/tenancy/queries";
import { protectedProcedure } from "../init";

export const meGet = protectedProcedure
  .meta({ access: "protected", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      userId: z.string(),
      activeTenantId: z.string().nullable(),
      memberships: z.array(
        z.object({
          tenantId: z.string(),
          tenantName: z.string(),
          role: z.enum(["owner", "admin", "member"]),
        }),
      ),
    }),
  )
  .query(async ({ ctx }) => ({
    userId: ctx.session.userId,
    activeTenantId: ctx.session.tenantId,
    memberships: await listMembershipsOfUser(ctx.db, { userId: ctx.session.userId }),
  }));
