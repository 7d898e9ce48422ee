import { z } from "zod";
import { removeItem } from "@/server/callbacks/manage";
import { itemChangeError } from "./callbacks-errors";
import { ruleEditorProcedure } from "./rules-access";

/** «Убрать из очереди»: one queued item is removed (not called, no task, no stage move). */
export const callbacksRemove = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ id: f.callbackItemId }) })
  .input(z.object({ id: z.uuid() }))
  .output(z.object({ removed: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const result = await removeItem(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      id: input.id,
    });
    if (result !== "ok") throw itemChangeError(result);
    return { removed: true as const };
  });
