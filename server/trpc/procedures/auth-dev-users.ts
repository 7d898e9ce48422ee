import { eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, tenants, users } from "@/db/schema";
import { env } from "@/server/config/env";
import { publicProcedure } from "../init";

/**
 * Who the development sign-in can act as; empty unless DEV_LOGIN is on outside production. A signed-in
 * caller is offered the people of their own tenant only (switching user within it), never another
 * tenant's. Signed out, the login page lists the memberships the dev provider would accept anyway.
 */
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
    const query = ctx.db
      .select({
        userId: users.id,
        name: users.name,
        tenantId: tenants.id,
        tenantName: tenants.name,
        role: memberships.role,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId));
    // A session without a tenant (signed in, not yet a member anywhere) has no tenant to list.
    if (ctx.session) {
      if (!ctx.session.tenantId) return [];
      return query.where(eq(memberships.tenantId, ctx.session.tenantId)).orderBy(users.name).limit(50);
    }
    return query.orderBy(tenants.name, users.name).limit(50);
  });
