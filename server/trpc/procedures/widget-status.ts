import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getWidgetStatus } from "@/server/widget/queries";
import { tenantProcedure } from "../init";

/**
 * What the widget's settings iframe shows (the caller's tenant only): names and connection states, no secret
 * and no phone number. Read through /widget/api/trpc with the widget session token.
 */
export const widgetStatus = tenantProcedure
  .meta({ access: "tenant", sample: () => undefined })
  .input(z.void())
  .output(
    z.object({
      tenantName: z.string(),
      subdomain: z.string(),
      amocrm: z.enum(["connected", "needs_reconnect", "disconnected"]),
      mango: z.enum(["connected", "failed", "not_connected"]),
      mangoKeyHint: z.string().nullable(),
      widgetInstalledAt: z.date().nullable(),
    }),
  )
  .query(async ({ ctx }) => {
    const status = await getWidgetStatus(ctx.db, { tenantId: ctx.tenant.id });
    if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "Компания не найдена" });
    return status;
  });
