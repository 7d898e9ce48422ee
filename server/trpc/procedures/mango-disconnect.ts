import { z } from "zod";
import { disconnectMango } from "@/server/onboarding/mango-disconnect";
import { adminProcedure } from "../init";

/** «Отключить АТС»: wipes the key and salt so the PBX can be connected to another company. */
export const mangoDisconnectProcedure = adminProcedure
  .meta({ access: "admin", sample: () => undefined })
  .input(z.void())
  .output(z.object({ disconnected: z.boolean() }))
  .mutation(async ({ ctx }) => ({
    disconnected: await disconnectMango(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id }),
  }));
