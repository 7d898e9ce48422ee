import { z } from "zod";
import { wakeDispatcher } from "@/server/callbacks/dispatch-job";
import { callNow } from "@/server/callbacks/manage";
import { itemChangeError } from "./callbacks-errors";
import { ruleEditorProcedure } from "./rules-access";

/** «Позвонить сейчас»: the queued item rings at the dispatcher's next tick, ahead of the pacing. */
export const callbacksCallNow = ruleEditorProcedure
  .meta({ access: "extended", sample: (f) => ({ id: f.callbackItemId }) })
  .input(z.object({ id: z.uuid() }))
  .output(z.object({ callNow: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    const wake = () => wakeDispatcher(ctx.db, ctx.queue, { tenantId: ctx.tenant.id });
    const result = await callNow(ctx.db, {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.user.id,
      id: input.id,
      wake,
    });
    if (result !== "ok") throw itemChangeError(result);
    return { callNow: true as const };
  });
