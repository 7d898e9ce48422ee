import { eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, tenants, users } from "@/db/schema";
import { env } from "@/server/config/env";
import { publicProcedure } from "../init";

/** Who the development sign-in can act as; empty unless DEV_LOGIN is on outside production. */
export const authDevUsers = publicProcedure
  .meta({ access: "public", sample: () => undefined })
  .input(z.void())
  .output(
    z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        tenantId: z.string(),
        tenantName: z.string(),
        role: z.string(),
      }),
    ),
  )
  .query(async ({ ctx }) => {
    const e = env();
    if (!e.DEV_LOGIN || e.isProduction) return [];
    return ctx.db
      .select({
        userId: users.id,
        name: users.name,
        tenantId: tenants.id,
        tenantName: tenants.name,
        role: memberships.role,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .orderBy(tenants.name, users.name)
      .limit(50);
  });
