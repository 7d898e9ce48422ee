import { z } from "zod";
import { amocrmClientFor } from "@/server/connections/amocrm";
import { logger } from "@/server/log/logger";
import { ensureCcContactFields } from "@/server/onboarding/cc-fields";
import { connectMango } from "@/server/onboarding/mango-connect";
import { adminProcedure } from "../init";

/** Verifies and saves the VPBX key and salt; then makes sure the Contact Center fields exist in amoCRM. */
export const mangoConnectProcedure = adminProcedure
  .meta({ access: "admin", sample: () => ({ apiKey: "x".repeat(8), salt: "y".repeat(8) }) })
  .input(z.object({ apiKey: z.string().trim().min(4).max(200), salt: z.string().trim().min(4).max(200) }))
  .output(
    z.discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), employees: z.number(), ccFields: z.enum(["ok", "failed"]) }),
      z.object({
        ok: z.literal(false),
        reason: z.enum(["wrong_key", "wrong_salt", "locked", "unreachable", "in_use", "other"]),
        message: z.string(),
      }),
    ]),
  )
  .mutation(async ({ ctx, input }) => {
    const res = await connectMango(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id, ...input });
    if (!res.ok) return res;
    try {
      await ensureCcContactFields(ctx.db, {
        tenantId: ctx.tenant.id,
        clientFor: (db) => amocrmClientFor(db, ctx.tenant),
      });
      return { ...res, ccFields: "ok" as const };
    } catch (err) {
      logger.warn({ tenantId: ctx.tenant.id, err: String(err) }, "cc fields not ensured on connect");
      return { ...res, ccFields: "failed" as const };
    }
  });
