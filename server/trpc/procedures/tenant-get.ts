import { z } from "zod";
import { tenantProcedure } from "../init";

export const tenantGet = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      id: z.string(),
      name: z.string(),
      amocrmSubdomain: z.string(),
      status: z.enum(["active", "needs_reconnect", "disconnected"]),
      role: z.enum(["owner", "admin", "member"]),
      user: z.object({ id: z.string(), name: z.string() }),
    }),
  )
  .query(({ ctx }) => ({
    id: ctx.tenant.id,
    name: ctx.tenant.name,
    amocrmSubdomain: ctx.tenant.amocrmSubdomain,
    status: ctx.tenant.status,
    role: ctx.role,
    user: { id: ctx.user.id, name: ctx.user.name },
  }));
