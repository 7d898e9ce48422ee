import { z } from "zod";
import { clearQueue } from "@/server/callbacks/manage";
import { ruleEditorProcedure } from "./rules-access";

/**
 * «Очистить»: every queued item of the tenant is cleared — nobody is called, no task is made, no deal is
 * moved. Admins and members who may edit rules (a mapped extension).
 */
export const callbacksClear = ruleEditorProcedure
  .meta({ access: "extended", sample: () => undefined })
  .input(z.void())
  .output(z.object({ cleared: z.number().int().min(0) }))
  .mutation(({ ctx }) => clearQueue(ctx.db, { tenantId: ctx.tenant.id, actorUserId: ctx.user.id }));
