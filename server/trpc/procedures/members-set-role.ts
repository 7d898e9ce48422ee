import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { getMembership, setMemberRole } from "@/server/tenancy/queries";
import { adminProcedure, notFound } from "../init";

/** The owner grants or takes admin; the change and its audit row commit together. */
export const membersSetRole = adminProcedure
  .meta({ access: "admin", sample: (f) => ({ userId: f.memberUserId, role: "admin" }) })
  .input(z.object({ userId: z.uuid(), role: z.enum(["admin", "member"]) }))
  .output(z.object({ userId: z.string(), role: z.enum(["owner", "admin", "member"]) }))
  .mutation(async ({ ctx, input }) => {
    const target = await getMembership(ctx.db, { tenantId: ctx.tenant.id, userId: input.userId });
    if (!target) throw notFound("Участник");
    if (ctx.role !== "owner") throw new TRPCError({ code: "FORBIDDEN", message: "Роли назначает владелец" });
    if (target.membership.role === "owner")
      throw new TRPCError({ code: "BAD_REQUEST", message: "Роль владельца не меняется" });
    return ctx.db.transaction(async (tx) => {
      const row = await setMemberRole(tx as unknown as Db, {
        tenantId: ctx.tenant.id,
        userId: input.userId,
        role: input.role,
      });
      await tx.insert(auditLog).values({
        tenantId: ctx.tenant.id,
        actorUserId: ctx.user.id,
        action: "member.role",
        target: input.userId,
        before: { role: target.membership.role },
        after: { role: input.role },
      });
      return { userId: row!.userId, role: row!.role };
    });
  });
